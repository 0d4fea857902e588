// Small seeded problems shared by the contract suites.
import { createMatrix, type Matrix } from '../../src/core/matrix.js';
import { Random } from '../../src/core/random.js';

/** `rows` × `cols` features; classification labels from a linear rule, or a noisy linear regression target. */
export function makeProblem(
  task: 'classification' | 'regression',
  { rows = 120, cols = 4, classes = 3, seed = 1 } = {},
): { X: Matrix; y: Float64Array } {
  const rng = new Random(seed);
  const X = createMatrix(rows, cols);
  const y = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    let s = 0;
    for (let j = 0; j < cols; j++) {
      const v = rng.normal();
      X.data[i * cols + j] = v;
      s += (j + 1) * v;
    }
    if (task === 'regression') y[i] = s + 0.1 * rng.normal();
    else y[i] = i % classes; // every class present
    if (task === 'classification') X.data[i * cols] += 2 * y[i]; // learnable signal
  }
  return { X, y };
}
