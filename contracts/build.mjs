#!/usr/bin/env node
// Compiles every contracts/*.sol with the pinned solc (npm package `solc`, see package.json)
// and writes one artifact per contract to contracts/build/<ContractName>.json.
//
//   node contracts/build.mjs                 compile and write the artifacts
//   node contracts/build.mjs --check         recompile in memory; exit 1 naming every artifact
//                                            that is missing, stale or orphaned
//   node contracts/build.mjs --dir DIR ...   sources in DIR, artifacts in DIR/build (tests)
//
// Artifacts are committed, so running the node needs no compiler. The output is deterministic
// (sorted keys, 2-space indent, trailing newline, `bytecodeHash: "none"`): recompiling an
// unchanged source gives byte-identical files, and editing a comment changes no bytecode.
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";

const SCRIPT_DIR = dirname(fileURLToPath(import.meta.url));

// Everything that affects the bytecode, recorded in each artifact as is.
const SETTINGS = {
  evmVersion: "prague",
  metadata: { bytecodeHash: "none" },
  optimizer: { enabled: true, runs: 200 },
  // Linked libraries live at fixed addresses, predeployed in genesis (client/contracts.py).
  libraries: { "OrderRules.sol": { OrderRules: "0xdc12000000000000000000000000000000000001" } },
};

const OUTPUTS = ["abi", "evm.bytecode.object", "evm.deployedBytecode.object"];

function usage(message) {
  process.stderr.write(`build.mjs: ${message}\nusage: node build.mjs [--check] [--dir DIR]\n`);
  process.exit(2);
}

function parseArgs(argv) {
  const options = { check: false, dir: SCRIPT_DIR };
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    if (arg === "--check") {
      options.check = true;
    } else if (arg === "--dir") {
      if (i + 1 >= argv.length) usage("--dir needs a directory");
      i += 1;
      options.dir = resolve(argv[i]);
    } else if (arg.startsWith("--dir=")) {
      options.dir = resolve(arg.slice("--dir=".length));
    } else {
      usage(`unknown argument ${JSON.stringify(arg)}`);
    }
  }
  return options;
}

function loadSolc() {
  // Resolved next to this script, so --dir may point anywhere.
  const require = createRequire(join(SCRIPT_DIR, "package.json"));
  try {
    return require("solc");
  } catch (error) {
    if (error && error.code === "MODULE_NOT_FOUND") {
      process.stderr.write(
        `build.mjs: the solc compiler is not installed in ${join(SCRIPT_DIR, "node_modules")}; ` +
          "run `make install` (or `cd contracts && npm ci`)\n",
      );
      process.exit(1);
    }
    throw error;
  }
}

// JSON with object keys sorted at every level (array order is kept), so output is stable.
function sortKeys(value) {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === "object") {
    const sorted = {};
    for (const key of Object.keys(value).sort()) sorted[key] = sortKeys(value[key]);
    return sorted;
  }
  return value;
}

function serialize(artifact) {
  return `${JSON.stringify(sortKeys(artifact), null, 2)}\n`;
}

function compile(solc, sourceDir) {
  const files = readdirSync(sourceDir, { withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith(".sol"))
    .map((entry) => entry.name)
    .sort();
  const bytes = new Map(files.map((name) => [name, readFileSync(join(sourceDir, name))]));

  const input = {
    language: "Solidity",
    sources: Object.fromEntries(
      files.map((name) => [name, { content: bytes.get(name).toString("utf8") }]),
    ),
    settings: { ...SETTINGS, outputSelection: { "*": { "*": OUTPUTS } } },
  };
  // Imports of files outside the top level (e.g. "lib/Foo.sol"), never outside sourceDir.
  const findImports = (path) => {
    const full = resolve(sourceDir, path);
    if (full !== sourceDir && !full.startsWith(sourceDir + sep)) {
      return { error: `import outside ${sourceDir}: ${path}` };
    }
    try {
      return { contents: readFileSync(full, "utf8") };
    } catch {
      return { error: `file not found: ${path}` };
    }
  };
  const output = JSON.parse(solc.compile(JSON.stringify(input), { import: findImports }));

  const diagnostics = output.errors ?? [];
  for (const diagnostic of diagnostics) {
    process.stderr.write(diagnostic.formattedMessage ?? `${diagnostic.message}\n`);
  }
  if (diagnostics.some((diagnostic) => diagnostic.severity === "error")) {
    process.stderr.write("build.mjs: compilation failed\n");
    process.exit(1);
  }

  const compiler = `solc-${solc.version()}`;
  const artifacts = new Map(); // file name in build/ -> serialized artifact
  for (const sourceName of files) {
    const sourceSha256 = createHash("sha256").update(bytes.get(sourceName)).digest("hex");
    const contracts = output.contracts?.[sourceName] ?? {};
    for (const contractName of Object.keys(contracts).sort()) {
      const fileName = `${contractName}.json`;
      if (artifacts.has(fileName)) {
        process.stderr.write(`build.mjs: two contracts are named ${contractName}\n`);
        process.exit(1);
      }
      const contract = contracts[contractName];
      artifacts.set(
        fileName,
        serialize({
          abi: contract.abi,
          bytecode: `0x${contract.evm.bytecode.object}`,
          compiler,
          contractName,
          deployedBytecode: `0x${contract.evm.deployedBytecode.object}`,
          settings: SETTINGS,
          sourceName,
          sourceSha256,
        }),
      );
    }
  }
  return artifacts;
}

function existingArtifacts(buildDir) {
  if (!existsSync(buildDir)) return [];
  return readdirSync(buildDir, { withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith(".json"))
    .map((entry) => entry.name)
    .sort();
}

function check(artifacts, buildDir) {
  const shown = (name) => relative(process.cwd(), join(buildDir, name)) || name;
  const problems = [];
  for (const [name, text] of [...artifacts].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const path = join(buildDir, name);
    if (!existsSync(path)) {
      problems.push(`missing: ${shown(name)}`);
    } else if (readFileSync(path, "utf8") !== text) {
      problems.push(`stale: ${shown(name)}`);
    }
  }
  for (const name of existingArtifacts(buildDir)) {
    if (!artifacts.has(name)) problems.push(`orphaned: ${shown(name)} (no contract of that name)`);
  }
  for (const problem of problems) process.stderr.write(`${problem}\n`);
  if (problems.length > 0) {
    process.stderr.write(
      `build.mjs: ${problems.length} artifact(s) out of date; run \`make contracts\`\n`,
    );
    process.exit(1);
  }
  process.stdout.write(`${artifacts.size} artifact(s) up to date\n`);
}

function write(artifacts, buildDir) {
  mkdirSync(buildDir, { recursive: true });
  for (const [name, text] of artifacts) {
    const path = join(buildDir, name);
    // Untouched when unchanged, so mtimes only move when the bytes do.
    if (existsSync(path) && readFileSync(path, "utf8") === text) continue;
    writeFileSync(path, text);
    process.stdout.write(`wrote ${relative(process.cwd(), path) || path}\n`);
  }
  for (const name of existingArtifacts(buildDir)) {
    if (artifacts.has(name)) continue;
    rmSync(join(buildDir, name));
    process.stdout.write(`removed orphaned ${relative(process.cwd(), join(buildDir, name))}\n`);
  }
}

const options = parseArgs(process.argv.slice(2));
const buildDir = join(options.dir, "build");
const artifacts = compile(loadSolc(), options.dir);
if (options.check) {
  check(artifacts, buildDir);
} else {
  write(artifacts, buildDir);
}
