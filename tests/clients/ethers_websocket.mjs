#!/usr/bin/env node
// ethers v6, unmodified and with its defaults, against a node over WebSocket only:
//   node ethers_websocket.mjs WS_URL ARTIFACT_JSON [PRIVATE_KEY]
// A WebSocketProvider sends every request over the socket. A fresh wallet (never funded;
// random unless PRIVATE_KEY is given, as a permissioned chain needs an account it permits)
// deploys the Recorder artifact, follows its own Recorded events with contract.on
// (eth_subscribe "logs"), follows new blocks with provider.on('block') (eth_subscribe
// "newHeads"), calls record() three times waiting for each receipt, and reads the events back
// with queryFilter. Prints one JSON line with what it saw; exits non-zero with a message on
// stderr on any error. Driven by tests/integration/test_ethers_and_cast.py.

import { readFileSync } from 'node:fs'
import { ContractFactory, WebSocketProvider, Wallet, id } from 'ethers'

/** What this script records: keys are keccak256 of these labels. */
const RECORDS = [
  { label: 'ethers-ws-1', value: 11n },
  { label: 'ethers-ws-2', value: 22n },
  { label: 'ethers-ws-3', value: 33n }
]
const WAIT_TIMEOUT_MS = 60_000
const BLOCKS_TO_SEE = 3

function usage () {
  console.error('usage: node ethers_websocket.mjs WS_URL ARTIFACT_JSON [PRIVATE_KEY]')
  process.exit(2)
}

/** A promise settled by calling the returned `settle`, failing after WAIT_TIMEOUT_MS. */
function deferred (what) {
  let settle
  const promise = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), WAIT_TIMEOUT_MS)
    settle = (value) => { clearTimeout(timer); resolve(value) }
  })
  return { promise, settle }
}

async function main (wsUrl, artifactPath, walletKey) {
  const artifact = JSON.parse(readFileSync(artifactPath, 'utf8'))
  const provider = new WebSocketProvider(wsUrl)
  // Observe (never alter) what ethers sends: its 'debug' events carry each payload.
  const payloads = []
  provider.on('debug', (event) => {
    if (event.action === 'sendRpcPayload') payloads.push(event.payload)
  })
  try {
    const network = await provider.getNetwork()
    const blocks = []
    const blocksSeen = deferred(`${BLOCKS_TO_SEE} new blocks`)
    await provider.on('block', (number) => {
      blocks.push(number)
      if (blocks.length === BLOCKS_TO_SEE) blocksSeen.settle()
    })

    const wallet = (walletKey ? new Wallet(walletKey) : Wallet.createRandom()).connect(provider)
    const factory = new ContractFactory(artifact.abi, artifact.bytecode, wallet)
    const contract = await factory.deploy()
    const deployReceipt = await contract.deploymentTransaction().wait(1, WAIT_TIMEOUT_MS)
    const contractAddress = await contract.getAddress()

    const followed = []
    const eventsSeen = deferred('three Recorded events')
    // By event name, ethers hands the decoded arguments to the listener, then the payload.
    await contract.on('Recorded', (author, key, value, event) => {
      followed.push({
        author,
        key,
        value: value.toString(),
        transactionHash: event.log.transactionHash,
        removed: event.log.removed
      })
      if (followed.length === RECORDS.length) eventsSeen.settle()
    })

    const records = []
    for (const { label, value } of RECORDS) {
      const tx = await contract.record(id(label), value)
      const receipt = await tx.wait(1, WAIT_TIMEOUT_MS)
      records.push({ tx, receipt })
    }
    const logs = await contract.queryFilter(contract.filters.Recorded(wallet.address))
    await Promise.all([eventsSeen.promise, blocksSeen.promise])
    await contract.removeAllListeners()
    await provider.removeAllListeners('block')

    const result = {
      chainId: network.chainId.toString(),
      wallet: wallet.address,
      contract: contractAddress,
      deployStatus: deployReceipt.status,
      recordStatuses: records.map(({ receipt }) => receipt.status),
      recordTxHashes: records.map(({ tx }) => tx.hash),
      queried: logs.map((log) => ({
        transactionHash: log.transactionHash,
        key: log.args.key,
        value: log.args.value.toString()
      })),
      followed,
      blocks,
      rpcMethods: [...new Set(payloads.flat().map((request) => request.method))].sort()
    }
    process.stdout.write(JSON.stringify(result) + '\n')
  } finally {
    await provider.destroy()
  }
}

const [wsUrl, artifactPath, walletKey] = process.argv.slice(2)
if (!wsUrl || !artifactPath) usage()

try {
  await main(wsUrl, artifactPath, walletKey)
  process.exit(0)
} catch (error) {
  console.error(`ethers_websocket failed: ${error?.shortMessage ?? error?.message ?? error}`)
  for (const field of ['code', 'info', 'error', 'payload', 'receipt', 'transaction']) {
    if (error?.[field] !== undefined) {
      console.error(`  ${field}: ${JSON.stringify(error[field], (_, v) => typeof v === 'bigint' ? v.toString() : v)}`)
    }
  }
  if (error?.stack) console.error(error.stack)
  process.exit(1)
}
