#!/usr/bin/env node
// ethers v6, unmodified and with its defaults, against a node:
//   node ethers_roundtrip.mjs RPC_URL ARTIFACT_JSON [PRIVATE_KEY]
// A fresh wallet (never funded; random unless PRIVATE_KEY is given, as a permissioned chain
// needs an account it permits) deploys the Recorder artifact, follows its Recorded
// events with contract.on (over HTTP ethers polls eth_newFilter/eth_getFilterChanges), calls
// record() three times, reads the values back and queries its Recorded events. Prints one
// JSON line with what it saw; exits non-zero with a message on stderr on any error.
// Driven by tests/integration/test_ethers_and_cast.py.

import { readFileSync } from 'node:fs'
import { ContractFactory, JsonRpcProvider, Wallet, id, version } from 'ethers'

/** What this script records: keys are keccak256 of these labels. */
const RECORDS = [
  { label: 'ethers-roundtrip-1', value: 101n },
  { label: 'ethers-roundtrip-2', value: 202n },
  { label: 'ethers-roundtrip-3', value: 303n }
]
const WAIT_TIMEOUT_MS = 60_000

function usage () {
  console.error('usage: node ethers_roundtrip.mjs RPC_URL ARTIFACT_JSON [PRIVATE_KEY]')
  process.exit(2)
}

async function main (rpcUrl, artifactPath, walletKey) {
  const artifact = JSON.parse(readFileSync(artifactPath, 'utf8'))
  // Default options: request batching, network detection, ethers' own polling.
  const provider = new JsonRpcProvider(rpcUrl)
  // Observe (never alter) what ethers sends: its 'debug' events carry each HTTP payload.
  const payloads = []
  provider.on('debug', (event) => {
    if (event.action === 'sendRpcPayload') payloads.push(event.payload)
  })
  try {
    const wallet = (walletKey ? new Wallet(walletKey) : Wallet.createRandom()).connect(provider)
    const balance = await provider.getBalance(wallet.address)
    const network = await provider.getNetwork()

    const factory = new ContractFactory(artifact.abi, artifact.bytecode, wallet)
    const contract = await factory.deploy()
    const deployTx = contract.deploymentTransaction()
    const deployReceipt = await deployTx.wait(1, WAIT_TIMEOUT_MS)
    await contract.waitForDeployment()
    const contractAddress = await contract.getAddress()
    const code = await provider.getCode(contractAddress)

    const followed = []
    let allFollowed
    const eventsSeen = new Promise((resolve, reject) => {
      allFollowed = resolve
      setTimeout(() => reject(new Error('timed out following Recorded events')), WAIT_TIMEOUT_MS)
    })
    await contract.on('Recorded', (author, key, value, event) => {
      followed.push({ key, value: value.toString(), transactionHash: event.log.transactionHash })
      if (followed.length === RECORDS.length) allFollowed()
    })

    const records = []
    for (const { label, value } of RECORDS) {
      const tx = await contract.record(id(label), value)
      const receipt = await tx.wait(1, WAIT_TIMEOUT_MS)
      records.push({ key: id(label), value, tx, receipt })
    }

    const readBack = []
    for (const { key } of records) readBack.push(await contract.values(key))

    const logs = await contract.queryFilter(contract.filters.Recorded(wallet.address))
    await eventsSeen
    await contract.removeAllListeners()

    const result = {
      ethersVersion: version,
      chainId: network.chainId.toString(),
      wallet: wallet.address,
      walletBalance: balance.toString(),
      contract: contractAddress,
      deployReceiptContractAddress: deployReceipt.contractAddress,
      deployedCode: code,
      deployTxType: deployTx.type,
      deployStatus: deployReceipt.status,
      recordTxTypes: records.map(({ tx }) => tx.type),
      recordStatuses: records.map(({ receipt }) => receipt.status),
      recordTxHashes: records.map(({ tx }) => tx.hash),
      recordGasPrices: records.map(({ tx }) => (tx.gasPrice ?? 0n).toString()),
      recorded: records.map(({ key, value }) => ({ key, value: value.toString() })),
      values: readBack.map((value) => value.toString()),
      logs: logs.length,
      logTxHashes: logs.map((log) => log.transactionHash),
      logAuthors: logs.map((log) => log.args.author),
      logKeys: logs.map((log) => log.args.key),
      logValues: logs.map((log) => log.args.value.toString()),
      followed,
      rpcMethods: [...new Set(payloads.flat().map((request) => request.method))].sort(),
      rpcBatches: payloads.filter((payload) => Array.isArray(payload) && payload.length > 1).length
    }
    process.stdout.write(JSON.stringify(result) + '\n')
  } finally {
    provider.destroy()
  }
}

const [rpcUrl, artifactPath, walletKey] = process.argv.slice(2)
if (!rpcUrl || !artifactPath) usage()

try {
  await main(rpcUrl, artifactPath, walletKey)
  process.exit(0)
} catch (error) {
  // ethers errors carry the failing request and the node's reply in .info / .error.
  console.error(`ethers_roundtrip failed: ${error?.shortMessage ?? error?.message ?? error}`)
  for (const field of ['code', 'info', 'error', 'payload', 'receipt', 'transaction']) {
    if (error?.[field] !== undefined) {
      console.error(`  ${field}: ${JSON.stringify(error[field], (_, v) => typeof v === 'bigint' ? v.toString() : v)}`)
    }
  }
  if (error?.stack) console.error(error.stack)
  process.exit(1)
}
