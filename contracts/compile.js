// Compiles every contracts/*.sol with the pinned solc-js (package.json) and writes each
// contract's init code to contracts/<Contract>.hex. With --check, writes nothing and exits 1
// when a committed .hex differs from a fresh compile (or is missing).
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

const sources = {};
for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.sol')).sort()) {
  sources[file] = { content: fs.readFileSync(path.join(dir, file), 'utf8') };
}

const input = {
  language: 'Solidity',
  sources,
  settings: {
    evmVersion: 'cancun',
    optimizer: { enabled: true, runs: 200 },
    metadata: { bytecodeHash: 'none', appendCBOR: false },
    outputSelection: { '*': { '*': ['evm.bytecode.object'] } },
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

let stale = 0;
for (const file of Object.keys(output.contracts || {}).sort()) {
  for (const [name, contract] of Object.entries(output.contracts[file]).sort()) {
    const hex = contract.evm.bytecode.object + '\n';
    const target = path.join(dir, `${name}.hex`);
    if (check) {
      const committed = fs.existsSync(target) ? fs.readFileSync(target, 'utf8') : null;
      if (committed !== hex) {
        console.error(`${name}.hex differs from a fresh compile of ${file}`);
        stale += 1;
      }
    } else {
      fs.writeFileSync(target, hex);
      console.log(`${name}.hex (${(hex.length - 1) / 2} bytes) from ${file}`);
    }
  }
}
console.log(`solc ${solc.version()}: ${check ? (stale ? `${stale} stale` : 'all bytecode up to date') : 'compiled'}`);
process.exit(stale ? 1 : 0);
