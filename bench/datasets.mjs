// The five classic datasets the benchmarks compare on (shipped in beemind/datasets/), loaded as BeeMind
// datasets with the path of the CSV each peer script reads.
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { datasetInfo, loadDatasetAsDataset } from '../beemind/dist/index.js';

export const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const DATASET_NAMES = ['iris', 'wine', 'breast_cancer', 'digits', 'diabetes'];

/** Loads one shipped dataset: { name, csv, target, data }. */
export async function loadBenchDataset(name) {
  const { file: csv, target } = datasetInfo(name);
  return { name, csv, target, data: await loadDatasetAsDataset(name) };
}
