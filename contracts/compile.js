// Compiles every .sol under contracts/ (the test contracts, and the sector-status library and
// its example in sector-status/) with the pinned solc-js (package.json) and writes each
// contract's init code to contracts/<Contract>.hex and its ABI to contracts/<Contract>.abi.json
// (from which the Rust tests' bindings are generated). With --check, writes nothing and exits 1
// when a committed file differs from a fresh compile (or is missing).
//
// Settings are fixed so the bytecode is reproducible: the metadata hash and its CBOR trailer
// are off, the optimizer runs 200 times, and the EVM version is Cancun, the last fork whose
// opcodes the FEVM serves (v18 has no blob opcodes, which Solidity does not emit on its own).

'use strict';

const fs = require('fs');
const path = require('path');
const solc = require('solc');

const dir = __dirname;
const check = process.argv.includes('--check');

// Source units are named by their path under contracts/, so relative imports resolve.
function solidityFiles(sub) {
  const out = [];
  for (const entry of fs.readdirSync(path.join(dir, sub), { withFileTypes: true })) {
    const rel = path.posix.join(sub, entry.name);
    if (entry.isDirectory() && entry.name !== 'node_modules') out.push(...solidityFiles(rel));
    else if (entry.isFile() && entry.name.endsWith('.sol')) out.push(rel);
  }
  return out;
}

const sources = {};
for (const file of solidityFiles('').sort()) {
  sources[file] = { content: fs.readFileSync(path.join(dir, file), 'utf8') };
}

const input = {
  language: 'Solidity',
  sources,
  settings: {
    evmVersion: 'cancun',
    optimizer: { enabled: true, runs: 200 },
    metadata: { bytecodeHash: 'none', appendCBOR: false },
    outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object'], '': ['ast'] } },
  },
};

const output = JSON.parse(solc.compile(JSON.stringify(input)));
const errors = (output.errors || []).filter((e) => e.severity === 'error');
for (const e of output.errors || []) {
  console.error(e.formattedMessage);
}
if (errors.length > 0) {
  process.exit(1);
}

// Libraries are compiled into the contracts that use them; they have no bytecode of their own.
function libraries(file) {
  return new Set(
    output.sources[file].ast.nodes
      .filter((n) => n.nodeType === 'ContractDefinition' && n.contractKind === 'library')
      .map((n) => n.name),
  );
}

let stale = 0;
for (const file of Object.keys(output.contracts || {}).sort()) {
  const skip = libraries(file);
  for (const [name, contract] of Object.entries(output.contracts[file]).sort()) {
    if (skip.has(name)) continue;
    const outputs = [
      [`${name}.hex`, contract.evm.bytecode.object + '\n'],
      [`${name}.abi.json`, JSON.stringify(contract.abi, null, 1) + '\n'],
    ];
    for (const [out, text] of outputs) {
      const target = path.join(dir, out);
      if (check) {
        const committed = fs.existsSync(target) ? fs.readFileSync(target, 'utf8') : null;
        if (committed !== text) {
          console.error(`${out} differs from a fresh compile of ${file}`);
          stale += 1;
        }
      } else {
        fs.writeFileSync(target, text);
      }
    }
    if (!check) {
      console.log(`${name} (${contract.evm.bytecode.object.length / 2} bytes of init code) from ${file}`);
    }
  }
}
console.log(`solc ${solc.version()}: ${check ? (stale ? `${stale} stale` : 'all bytecode and ABIs up to date') : 'compiled'}`);
process.exit(stale ? 1 : 0);
