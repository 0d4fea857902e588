/**
 * This module is the entry point of a tree-growing worker thread: it receives the shared training set and
 * the forest settings once, then grows each tree index it is sent and posts the tree's arrays back.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { ForestGrower, type ForestConfig } from './forest.js';
import type { TrainingSet } from './training_set.js';

/** A grown tree as posted between threads (typed arrays; their buffers are transferred). */
export interface PostedTree {
  t: number;
  feature: Int32Array;
  threshold: Float64Array;
  left: Int32Array;
  right: Int32Array;
  missingLeft: Uint8Array;
  value: Float64Array;
  importances: Float64Array;
}

const { data, config } = workerData as { data: TrainingSet; config: ForestConfig };
const grower = new ForestGrower(data, config);
const port = parentPort!;

port.on('message', (t: number) => {
  const { tree, importances } = grower.growTree(t);
  const posted: PostedTree = {
    t,
    feature: tree.feature,
    threshold: tree.threshold,
    left: tree.left,
    right: tree.right,
    missingLeft: tree.missingLeft,
    value: tree.value,
    importances,
  };
  const transfer = [
    tree.feature.buffer,
    tree.threshold.buffer,
    tree.left.buffer,
    tree.right.buffer,
    tree.missingLeft.buffer,
    tree.value.buffer,
    importances.buffer,
  ] as ArrayBuffer[];
  port.postMessage(posted, transfer);
});
