// The classic datasets the benchmarks compare on (shipped in beemind/datasets/), loaded as BeeMind datasets
// with the path of the CSV each peer script reads; and the held-out public tables of the AutoML benchmark
// (bench/heldout_tables.py, written once into bench/.cache/heldout and read with the library's CSV reader).
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  datasetInfo,
  datasetNames,
  loadDatasetAsDataset,
  readCSV,
  toDataset,
} from '../beemind/dist/index.js';

export const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const DATASET_NAMES = ['iris', 'wine', 'breast_cancer', 'digits', 'diabetes'];
const HELDOUT_DIR = join(root, 'bench/.cache/heldout');
const HELDOUT_SCRIPT = join(root, 'bench/heldout_tables.py');

/** Loads one shipped dataset: { name, csv, target, data }. */
export async function loadBenchDataset(name) {
  const { file: csv, target } = datasetInfo(name);
  return { name, csv, target, data: await loadDatasetAsDataset(name) };
}

let heldout = null;
/**
 * The held-out tables' manifest ({ name, source, file, target, task, rows, columns }[]), writing the tables
 * first with the project's .venv python when the cache is missing or older than bench/heldout_tables.py.
 */
export function heldoutTables() {
  if (heldout) return heldout;
  const manifest = join(HELDOUT_DIR, 'manifest.json');
  if (!existsSync(manifest) || statSync(manifest).mtimeMs < statSync(HELDOUT_SCRIPT).mtimeMs) {
    process.stderr.write(`writing the held-out tables into ${HELDOUT_DIR}\n`);
    execFileSync(join(root, '.venv/bin/python'), [HELDOUT_SCRIPT, HELDOUT_DIR], {
      stdio: ['ignore', 'inherit', 'inherit'],
    });
  }
  heldout = JSON.parse(readFileSync(manifest, 'utf8'));
  return heldout;
}

/** Loads one held-out table: { name, csv, target, data }. */
export async function loadHeldoutDataset(name) {
  const entry = heldoutTables().find((t) => t.name === name);
  if (!entry)
    throw new Error(
      `no held-out table named ${name}; choose one of: ${heldoutTables()
        .map((t) => t.name)
        .join(', ')}`,
    );
  const data = toDataset(await readCSV(entry.file), { target: entry.target, task: entry.task, name });
  return { name, csv: entry.file, target: entry.target, data };
}

/**
 * The names a table-set argument stands for: `bundled` (the shipped datasets), `heldout`, `all` (both) or a
 * comma list of names of either kind.
 */
export function benchTableNames(set = 'all') {
  if (set === 'bundled') return datasetNames();
  if (set === 'heldout') return heldoutTables().map((t) => t.name);
  if (set === 'all') return [...datasetNames(), ...heldoutTables().map((t) => t.name)];
  const names = set.split(',').filter(Boolean);
  const bundled = new Set(datasetNames());
  const unknown = names.filter((n) => !bundled.has(n) && !heldoutTables().some((t) => t.name === n));
  if (unknown.length) {
    throw new Error(
      `unknown tables ${unknown.join(', ')}; choose bundled, heldout, all or names among: ${benchTableNames('all').join(', ')}`,
    );
  }
  return names;
}

/** Whether a name is one of the held-out tables (and not a shipped dataset). */
export function isHeldout(name) {
  return !datasetNames().includes(name);
}

/** Loads a shipped dataset or a held-out table by name: { name, csv, target, data }. */
export async function loadBenchTable(name) {
  return isHeldout(name) ? loadHeldoutDataset(name) : loadBenchDataset(name);
}
