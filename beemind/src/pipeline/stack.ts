/**
 * This module contains how a stack of pipelines predicts: its level-2 inputs are the members' outputs (the
 * second class's log-odds for two classes, every class's log-probability for more, the value for regression)
 * and a level-2 pipeline predicts from them. automl/stacking.ts fits stacks; trained models, explanations and
 * exported modules (export/runtime.ts repeats this arithmetic) predict with them.
 */
import type { Matrix } from '../core/matrix.js';
import { createFrame, type Frame } from '../data/frame.js';
import type { Task } from '../core/task.js';
import type { Pipeline } from './pipeline.js';

/** Probabilities are clipped to [EPSILON, 1 − EPSILON] before their logarithm. */
const EPSILON = 1e-6;

/** What a stack's inputs are: the members' predictions on some rows, one output array per member. */
export interface StackShape {
  task: Task;
  /** Classes of a classifier; 1 for a regressor. */
  nClasses: number;
}

/** The level-2 input column names for `members` members: `m0`, … (one per member) or `m0.c0`, … (one per class). */
export function stackColumnNames(members: number, shape: StackShape): string[] {
  const perClass = shape.task === 'classification' && shape.nClasses > 2;
  const names: string[] = [];
  for (let m = 0; m < members; m++) {
    if (!perClass) names.push(`m${m}`);
    else for (let k = 0; k < shape.nClasses; k++) names.push(`m${m}.c${k}`);
  }
  return names;
}

const clip = (p: number) => Math.min(1 - EPSILON, Math.max(EPSILON, p));

/**
 * The level-2 inputs from the members' outputs on `rows` rows (rows × classes probabilities, or values): the
 * second class's log-odds for two classes, every class's log-probability for more, the value for regression.
 */
export function stackInputs(outputs: readonly Float64Array[], rows: number, shape: StackShape): Frame {
  const names = stackColumnNames(outputs.length, shape);
  const K = shape.nClasses;
  const columns = names.map((name) => ({ name, kind: 'numeric' as const, values: new Float64Array(rows) }));
  outputs.forEach((out, m) => {
    if (shape.task === 'regression') columns[m].values.set(out.subarray(0, rows));
    else if (K === 2) {
      const v = columns[m].values;
      for (let i = 0; i < rows; i++) {
        const p = clip(out[i * 2 + 1]);
        v[i] = Math.log(p / (1 - p));
      }
    } else {
      for (let k = 0; k < K; k++) {
        const v = columns[m * K + k].values;
        for (let i = 0; i < rows; i++) v[i] = Math.log(clip(out[i * K + k]));
      }
    }
  });
  return createFrame(columns);
}

/** The level-2 output on `inputs`: class probabilities (rows × classes) or values. */
export function level2Output(level2: Pipeline, inputs: Frame): Matrix | Float64Array {
  return level2.task === 'classification' ? level2.predictProba(inputs) : level2.predict(inputs);
}

/**
 * A stack's prediction on `frame` (the model's feature columns): class probabilities (rows × classes) or values
 * of `level2` on the members' outputs.
 */
export function stackPrediction(
  members: readonly { pipeline: Pipeline }[],
  level2: Pipeline,
  frame: Frame,
): Matrix | Float64Array {
  const classification = level2.task === 'classification';
  const outputs = members.map((m) =>
    classification ? m.pipeline.predictProba(frame).data : m.pipeline.predict(frame),
  );
  return level2Output(
    level2,
    stackInputs(outputs, frame.rows, { task: level2.task, nClasses: level2.model.nClasses }),
  );
}
