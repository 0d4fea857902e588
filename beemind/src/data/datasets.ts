/** This module contains the datasets shipped with the package (CSVs in `datasets/`) and their loaders. */
import { fileURLToPath } from 'node:url';
import { DataError } from '../core/errors.js';
import { quote } from '../core/text.js';
import type { Task } from '../core/task.js';
import { readCSV } from './csv.js';
import type { DataFrame } from './data_frame.js';
import { toDataset, type Dataset } from './dataset.js';
import type { InferOptions } from './infer.js';

export interface DatasetInfo {
  name: string;
  /** The column to predict. */
  target: string;
  task: Task;
  /** One line on what the table holds. */
  description: string;
  rows: number;
  /** Number of columns, target included. */
  columns: number;
  /** Where the data come from (see `datasets/SOURCES.md` for the citation). */
  source: string;
  licence: string;
  /** Absolute path of the CSV file. */
  file: string;
}

/** Options for reading a shipped dataset: the same type-inference options as `readCSV`. */
export type LoadDatasetOptions = InferOptions;

type Entry = Omit<DatasetInfo, 'name' | 'file'>;

/** `dist/data/datasets.js` (and `src/data/datasets.ts` in tests) sit two levels below the package root. */
const DATASETS_DIR = new URL('../../datasets/', import.meta.url);

const UCI_SKLEARN = 'UCI Machine Learning Repository, as shipped with scikit-learn';

const DATASETS: ReadonlyMap<string, Entry> = new Map<string, Entry>([
  [
    'iris',
    {
      target: 'species',
      task: 'classification',
      rows: 150,
      columns: 5,
      description: 'Sepal and petal measurements of 150 irises of three species (Fisher, 1936).',
      source: `Iris, ${UCI_SKLEARN}`,
      licence: 'CC BY 4.0',
    },
  ],
  [
    'wine',
    {
      target: 'cultivar',
      task: 'classification',
      rows: 178,
      columns: 14,
      description: 'Chemical analysis of 178 Italian wines from three cultivars.',
      source: `Wine, ${UCI_SKLEARN}`,
      licence: 'CC BY 4.0',
    },
  ],
  [
    'breast_cancer',
    {
      target: 'diagnosis',
      task: 'classification',
      rows: 569,
      columns: 31,
      description: 'Cell-nucleus features of 569 breast masses, diagnosed benign or malignant.',
      source: `Breast Cancer Wisconsin (Diagnostic), ${UCI_SKLEARN}`,
      licence: 'CC BY 4.0',
    },
  ],
  [
    'digits',
    {
      target: 'digit',
      task: 'classification',
      rows: 1797,
      columns: 65,
      description: '8×8 images of handwritten digits 0–9, one pixel (0–16) per column.',
      source: `Optical Recognition of Handwritten Digits (8×8), ${UCI_SKLEARN}`,
      licence: 'CC BY 4.0',
    },
  ],
  [
    'diabetes',
    {
      target: 'progression',
      task: 'regression',
      rows: 442,
      columns: 11,
      description: 'Ten baseline variables of 442 diabetes patients and disease progression one year later.',
      source: 'Efron et al. (2004), Least Angle Regression, as distributed with scikit-learn',
      licence: 'BSD-3-Clause (via scikit-learn)',
    },
  ],
  [
    'penguins',
    {
      target: 'species',
      task: 'classification',
      rows: 344,
      columns: 8,
      description:
        'Size, sex and island of 344 Palmer Archipelago penguins of three species, with missing values.',
      source:
        'Palmer Station LTER / palmerpenguins (Horst, Hill & Gorman, 2020), PyPI package palmerpenguins',
      licence: 'CC0 1.0',
    },
  ],
  [
    'seattle_weather',
    {
      target: 'weather',
      task: 'classification',
      rows: 1461,
      columns: 6,
      description:
        'Daily Seattle weather 2012–2015: date, precipitation, temperatures, wind and weather type.',
      source: 'NOAA National Climatic Data Center, npm package vega-datasets',
      licence: 'U.S. Government Dataset (public domain)',
    },
  ],
  [
    'credit_default',
    {
      target: 'default',
      task: 'classification',
      rows: 10000,
      columns: 4,
      description: 'Simulated credit-card customers; whether each defaulted (imbalanced: 3.3% Yes).',
      source: 'ISLR Default data (James et al.), PyPI package ISLP',
      licence: 'BSD (as stated by the ISLP package)',
    },
  ],
]);

function entry(name: string): Entry {
  const found = typeof name === 'string' ? DATASETS.get(name) : undefined;
  if (!found) {
    throw new DataError(
      'data.unknown_dataset',
      `there is no dataset named ${quote(name)}; choose one of: ${datasetNames().join(', ')}.`,
    );
  }
  return found;
}

/** Names of the datasets shipped with BeeMind. */
export function datasetNames(): string[] {
  return [...DATASETS.keys()];
}

/** What a shipped dataset holds: target, task, size, source, licence and the path of its CSV file. */
export function datasetInfo(name: string): DatasetInfo {
  const info = entry(name);
  return { name, ...info, file: fileURLToPath(new URL(`${name}.csv`, DATASETS_DIR)) };
}

/**
 * Reads a dataset shipped with BeeMind as a DataFrame (target column included), e.g.
 * `evolve(await loadDataset('iris'), { target: 'species' })`. `datasetNames()` lists the choices.
 */
export async function loadDataset(name: string, options: LoadDatasetOptions = {}): Promise<DataFrame> {
  return readCSV(datasetInfo(name).file, options);
}

/** Reads a shipped dataset as a Dataset, its target and task already chosen (see `datasetInfo`). */
export async function loadDatasetAsDataset(name: string, options: LoadDatasetOptions = {}): Promise<Dataset> {
  const info = datasetInfo(name);
  return toDataset(await loadDataset(name, options), { target: info.target, task: info.task, name });
}
