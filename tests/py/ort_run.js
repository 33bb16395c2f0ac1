// Run an ONNX model in onnxruntime-node (the real runtime the exporter
// tests use): node ort_run.js MODEL IN.bin OUT.bin N,C,H,W [IN OUT DIMS ...]
// Inputs and outputs are raw little-endian float32; prints each output's
// dims as one JSON line.  Default session options: what a user gets.
const ort = require('onnxruntime-node');
const fs = require('fs');

async function main() {
  const [model, ...runs] = process.argv.slice(2);
  const session = await ort.InferenceSession.create(model);
  for (let i = 0; i + 2 < runs.length; i += 3) {
    const buf = fs.readFileSync(runs[i]);
    const x = new Float32Array(buf.buffer, buf.byteOffset, buf.length / 4);
    const dims = runs[i + 2].split(',').map(Number);
    const out = await session.run({input: new ort.Tensor('float32', x, dims)});
    const y = out[session.outputNames[0]];
    fs.writeFileSync(runs[i + 1], Buffer.from(y.data.buffer, y.data.byteOffset, y.data.byteLength));
    console.log(JSON.stringify({name: session.outputNames[0], dims: y.dims}));
  }
}
main().catch(e => { console.error(e.message); process.exit(1); });
