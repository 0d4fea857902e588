// The five bundled datasets the benchmarks compare on (../shared/datasets, target = last column), loaded as
// BeeMind datasets with the path each peer script reads.
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readCSV, toDataset } from '../beemind/dist/index.js';

export const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const DATASET_NAMES = ['iris', 'wine', 'breast_cancer', 'digits', 'diabetes'];

/** Loads one bundled dataset: { name, csv, target, data }. */
export async function loadBenchDataset(name) {
  const csv = resolve(root, '../shared/datasets', `${name}.csv`);
  const frame = await readCSV(csv);
  const target = frame.columnNames.at(-1);
  return { name, csv, target, data: toDataset(frame, { target, name }) };
}
