/**
 * This module contains the ensemble driver: it grows every tree on this thread, or hands tree indices out
 * to worker threads (the next index to whichever worker finishes first) that read the binned training set
 * from shared memory. Trees are seeded by index, so the ensemble is identical whatever the thread count.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { EvaluationError } from '../../core/errors.js';
import { TreeEnsemble, combineImportances } from './ensemble.js';
import { FlatTree } from './flat_tree.js';
import { ForestGrower, type ForestConfig } from './forest.js';
import type { PostedTree } from './forest_worker.js';
import type { TrainingSet } from './training_set.js';

/** Below this many rows × trees, starting workers costs more than it saves. */
const MIN_PARALLEL_WORK = 200_000;

/** Whether `threads` workers would be used for this ensemble (the data must then be in shared memory). */
export function useWorkers(nRows: number, config: ForestConfig, threads: number): boolean {
  return (
    threads > 1 && config.nTrees > 1 && nRows * config.nTrees >= MIN_PARALLEL_WORK && workerScript() !== null
  );
}

/** The compiled worker module, or null when running from sources that have none (e.g. under ts-jest/swc). */
function workerScript(): URL | null {
  const url = new URL('./forest_worker.js', import.meta.url);
  return url.protocol === 'file:' && existsSync(fileURLToPath(url)) ? url : null;
}

export async function growEnsemble(
  data: TrainingSet,
  config: ForestConfig,
  threads: number,
): Promise<TreeEnsemble> {
  const trees: FlatTree[] = new Array(config.nTrees);
  const importances: Float64Array[] = new Array(config.nTrees);
  if (useWorkers(data.nRows, config, threads) && data.codes.buffer instanceof SharedArrayBuffer) {
    await growInWorkers(data, config, Math.min(threads, config.nTrees), trees, importances);
  } else {
    const grower = new ForestGrower(data, config);
    for (let t = 0; t < config.nTrees; t++) {
      const grown = grower.growTree(t);
      trees[t] = grown.tree;
      importances[t] = grown.importances;
    }
  }
  return new TreeEnsemble(trees, combineImportances(importances, data.nFeatures));
}

function growInWorkers(
  data: TrainingSet,
  config: ForestConfig,
  threads: number,
  trees: FlatTree[],
  importances: Float64Array[],
): Promise<void> {
  const script = workerScript()!;
  return new Promise((resolve, reject) => {
    const workers: Worker[] = [];
    let next = 0;
    let done = 0;
    let settled = false;
    const stopAll = () => {
      for (const w of workers) void w.terminate();
    };
    const fail = (why: string, cause?: unknown) => {
      if (settled) return;
      settled = true;
      stopAll();
      reject(new EvaluationError('tree.worker_failed', `a tree-growing worker thread ${why}.`, { cause }));
    };
    for (let k = 0; k < threads; k++) {
      const worker = new Worker(script, { workerData: { data, config } });
      workers.push(worker);
      worker.on('message', (m: PostedTree) => {
        trees[m.t] = new FlatTree(
          m.feature,
          m.threshold,
          m.left,
          m.right,
          m.missingLeft,
          m.value,
          data.nOutputs,
        );
        importances[m.t] = m.importances;
        done++;
        if (next < config.nTrees) worker.postMessage(next++);
        if (done === config.nTrees && !settled) {
          settled = true;
          stopAll();
          resolve();
        }
      });
      worker.on('error', (err) => fail(`failed: ${err.message}`, err));
      // an exit before the work is done (killed, out of memory) would otherwise leave fit() waiting forever
      worker.on('exit', (code) => fail(`exited early with code ${code}`));
      worker.postMessage(next++);
    }
  });
}
