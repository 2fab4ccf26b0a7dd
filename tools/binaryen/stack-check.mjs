// Usage: node stack-check.mjs IN.wasm STACK_BYTES OUT.wasm
//
// Writes IN.wasm to OUT.wasm with its stack cut to STACK_BYTES without relinking: every write of
// the stack pointer (which rustc's wasm32 modules start at the top of a stack placed first in
// memory) goes through a function that traps when the pointer would fall more than
// STACK_BYTES below its initial value. A module that passes its tests this way never needs more
// than STACK_BYTES of stack (`make stack-check`).
import binaryen from 'binaryen';
import fs from 'node:fs';

const [input, bytesArg, output] = process.argv.slice(2);
const stackBytes = Number.parseInt(bytesArg, 10);
if (!input || !output || !(stackBytes > 0)) {
  console.error('usage: node stack-check.mjs IN.wasm STACK_BYTES OUT.wasm');
  process.exit(2);
}

// The features build.rs lets wasm-opt use.
const features =
  binaryen.Features.MVP |
  binaryen.Features.SignExt |
  binaryen.Features.MutableGlobals |
  binaryen.Features.BulkMemory |
  binaryen.Features.BulkMemoryOpt;

const module = binaryen.readBinary(fs.readFileSync(input));
module.setFeatures(features);
// rustc's stack pointer is the module's only mutable global. A module without one (the
// placeholder) keeps nothing on a stack: it is copied as it is.
const mutable = [];
for (let i = 0; i < module.getNumGlobals(); i += 1) {
  const global = binaryen.getGlobalInfo(module.getGlobalByIndex(i));
  if (global.mutable) mutable.push(global);
}
if (mutable.length === 0) {
  fs.copyFileSync(input, output);
  process.exit(0);
}
const [pointer] = mutable;
const start = binaryen.getExpressionInfo(pointer.init);
if (mutable.length > 1 || pointer.type !== binaryen.i32 || start.id !== binaryen.ConstId) {
  console.error(`${input}: no stack pointer (one mutable i32 global set by a constant)`);
  process.exit(1);
}
if (start.value < stackBytes) {
  console.error(`${input}: the stack is ${start.value} bytes, less than ${stackBytes}`);
  process.exit(1);
}
const floor = start.value - stackBytes;

const setter = '$stack_check_set_pointer';
const name = pointer.name.replace(/\$/g, '\\$');
const writes = new RegExp(String.raw`\(global\.set \$${name}(?=[\s)])`, 'g');
let count = 0;
let text = module.emitText().replace(writes, () => {
  count += 1;
  return `(call ${setter}`;
});
const check = `(func ${setter} (param $sp i32)
  (if (i32.lt_u (local.get $sp) (i32.const ${floor})) (then (unreachable)))
  (global.set $${pointer.name} (local.get $sp)))`;
// Appended as the module's last field, before its closing parenthesis.
text = `${text.slice(0, text.lastIndexOf(')'))}${check}\n)`;

const checked = binaryen.parseText(text);
checked.setFeatures(features);
if (!checked.validate()) {
  console.error(`${input}: the checked module does not validate`);
  process.exit(1);
}
fs.writeFileSync(output, checked.emitBinary());
console.log(`${input}: ${count} stack pointer writes checked against ${stackBytes} bytes`);
