// The typed-array codec of the Redis queue (distributed/envelope.ts, hand-written) against the two well-kept
// libraries that could replace it: Arrow IPC through flechette (already a dependency), and msgpackr (which
// BullMQ brings). Each packs the same search data (numeric columns, the target, the fold indices) into one
// buffer and reads it back, as views and into shared memory as a worker does; the bench checks every value
// survives (NaN included) and reports the median times and the size. Run after `npx tsc -b`: node bench/codec.mjs [rows] [columns]
import { performance } from 'node:perf_hooks';
import { tableFromArrays, tableFromIPC, tableToIPC } from '@uwdata/flechette';
import { Packr } from 'msgpackr';
import { decodeEnvelope, encodeEnvelope } from '../beemind/dist/distributed/envelope.js';

const rows = Number(process.argv[2] ?? 50_000);
const cols = Number(process.argv[3] ?? 40);
const REPEATS = 15;
// typed arrays as MessagePack extensions of their own type (without it, msgpackr sends them as bytes)
const msgpack = new Packr({ moreTypes: true });

/** Search data as the run sends it: float64 columns (some missing values), the target, five folds. */
function searchData() {
  let state = 1;
  const random = () => (state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const columns = Array.from({ length: cols }, (_, j) => {
    const values = new Float64Array(rows);
    for (let i = 0; i < rows; i++) values[i] = (i + j) % 97 === 0 ? NaN : random() * 100 - 50;
    return values;
  });
  const y = Float64Array.from({ length: rows }, (_, i) => i % 3);
  const fold = Int32Array.from({ length: rows }, (_, i) => i % 5);
  return { columns, y, fold };
}

/** The worker's use: the arrays copied into SharedArrayBuffer memory, to share with its evaluation threads. */
function toShared(d) {
  const share = (a) => {
    const copy = new a.constructor(new SharedArrayBuffer(a.byteLength));
    copy.set(a);
    return copy;
  };
  return { columns: d.columns.map(share), y: share(d.y), fold: share(d.fold) };
}

const codecs = {
  'envelope (hand-written)': {
    encode: (d) => encodeEnvelope({ rows, cols }, [...d.columns, d.y, d.fold]),
    decode: (bytes) => {
      const { arrays } = decodeEnvelope(bytes);
      return { columns: arrays.slice(0, cols), y: arrays[cols], fold: arrays[cols + 1] };
    },
    decodeShared: (bytes) => {
      const { arrays } = decodeEnvelope(bytes, { shared: true });
      return { columns: arrays.slice(0, cols), y: arrays[cols], fold: arrays[cols + 1] };
    },
  },
  'Arrow IPC (flechette)': {
    encode: (d) => {
      const named = Object.fromEntries(d.columns.map((c, j) => [`c${j}`, c]));
      return tableToIPC(tableFromArrays({ ...named, y: d.y, fold: d.fold }), { format: 'stream' });
    },
    decode: (bytes) => {
      const table = tableFromIPC(bytes);
      return {
        columns: Array.from({ length: cols }, (_, j) => table.getChild(`c${j}`).toArray()),
        y: table.getChild('y').toArray(),
        fold: table.getChild('fold').toArray(),
      };
    },
  },
  'MessagePack (msgpackr)': {
    encode: (d) => msgpack.pack({ rows, cols, columns: d.columns, y: d.y, fold: d.fold }),
    decode: (bytes) => {
      const o = msgpack.unpack(bytes);
      return { columns: o.columns, y: o.y, fold: o.fold };
    },
  },
};

/** Every value back, bit for bit (NaN as NaN), in arrays of the same kinds. */
function same(a, b) {
  if (!b) return false;
  const pairs = [...a.columns.map((c, j) => [c, b.columns[j]]), [a.y, b.y], [a.fold, b.fold]];
  return pairs.every(
    ([x, z]) =>
      z != null &&
      Object.prototype.toString.call(x) === Object.prototype.toString.call(z) &&
      x.length === z.length &&
      x.every((v, i) => Object.is(v, z[i])),
  );
}

const median = (xs) => [...xs].sort((p, q) => p - q)[Math.floor(xs.length / 2)];
const data = searchData();
const mb = (rows * (cols + 1) * 8 + rows * 4) / 1e6;
console.log(
  `search data: ${rows} rows × ${cols} float64 columns + target + folds (${mb.toFixed(1)} MB of arrays), median of ${REPEATS}`,
);
console.log('| codec | encode ms | decode ms | decode into shared memory ms | bytes | every value back |');
console.log('|---|---:|---:|---:|---:|---|');
for (const [name, codec] of Object.entries(codecs)) {
  const encodeMs = [];
  const decodeMs = [];
  const sharedMs = [];
  const decodeShared = codec.decodeShared ?? ((b) => toShared(codec.decode(b)));
  let bytes;
  let back;
  for (let r = 0; r < REPEATS; r++) {
    let t = performance.now();
    bytes = codec.encode(data);
    encodeMs.push(performance.now() - t);
    t = performance.now();
    back = codec.decode(bytes);
    decodeMs.push(performance.now() - t);
    t = performance.now();
    const shared = decodeShared(bytes);
    sharedMs.push(performance.now() - t);
    if (!same(data, shared)) back = null;
  }
  console.log(
    `| ${name} | ${median(encodeMs).toFixed(1)} | ${median(decodeMs).toFixed(1)} | ${median(sharedMs).toFixed(1)} | ${bytes.byteLength.toLocaleString('en')} | ${back && same(data, back) ? 'yes' : 'no'} |`,
  );
}
