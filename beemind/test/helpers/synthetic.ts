// Small seeded problems shared by the contract suites.
import { createMatrix, type Matrix } from '../../src/core/matrix.js';
import { Random } from '../../src/core/random.js';
import { createFrame, type Frame } from '../../src/data/frame.js';

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

const NEUTRAL = [
  'the',
  'room',
  'was',
  'staff',
  'breakfast',
  'view',
  'we',
  'stayed',
  'two',
  'nights',
  'and',
  'our',
  'city',
  'trip',
  'hotel',
  'bed',
];
const GOOD = ['great', 'lovely', 'spotless', 'friendly', 'excellent', 'quiet'];
const BAD = ['dirty', 'rude', 'noisy', 'awful', 'broken', 'cold'];

/**
 * A seeded table of short hotel reviews (`review`, free text: 4–9 neutral words around one or two telling
 * ones, sometimes missing or in capitals), a numeric `nights` column and the target `stars` (`good` or
 * `bad`), decided by the telling words.
 */
export function reviewTable(rows = 240, seed = 3): Frame {
  const rng = new Random(seed);
  const review: (string | null)[] = [];
  const nights = new Float64Array(rows);
  const stars: string[] = [];
  for (let i = 0; i < rows; i++) {
    const good = i % 2 === 0;
    const words = Array.from({ length: 4 + rng.int(6) }, () => rng.choice(NEUTRAL));
    for (let k = 0; k < 1 + rng.int(2); k++)
      words.splice(rng.int(words.length + 1), 0, rng.choice(good ? GOOD : BAD));
    const text = words.join(' ');
    review.push(rng.float() < 0.05 ? null : rng.float() < 0.1 ? text.toUpperCase() : `${text}.`);
    nights[i] = 1 + rng.int(7);
    stars.push(good ? 'good' : 'bad');
  }
  return createFrame([
    { name: 'review', kind: 'categorical', values: review },
    { name: 'nights', kind: 'numeric', values: nights },
    { name: 'stars', kind: 'categorical', values: stars },
  ]);
}

/**
 * A seeded table of orders from 60 shops (`shop`, a high-cardinality category whose hidden return rate of 0.1
 * or 0.8 decides most of the target), a numeric `amount` that carries a little signal, and the target
 * `returned` (`yes` or `no`).
 */
export function shopTable(rows = 900, seed = 5): Frame {
  const rng = new Random(seed);
  const shops = Array.from({ length: 60 }, (_, k) => `shop_${String(k).padStart(2, '0')}`);
  const rate = new Map(shops.map((s) => [s, rng.float() < 0.5 ? 0.1 : 0.8]));
  const shop: string[] = [];
  const amount = new Float64Array(rows);
  const returned: string[] = [];
  for (let i = 0; i < rows; i++) {
    const s = rng.choice(shops);
    const a = 10 + 90 * rng.float();
    shop.push(s);
    amount[i] = a;
    returned.push(rng.float() < rate.get(s)! + (a > 80 ? 0.1 : 0) ? 'yes' : 'no');
  }
  return createFrame([
    { name: 'shop', kind: 'categorical', values: shop },
    { name: 'amount', kind: 'numeric', values: amount },
    { name: 'returned', kind: 'categorical', values: returned },
  ]);
}
