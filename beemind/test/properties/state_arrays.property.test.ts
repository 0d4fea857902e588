// Property: a packed array in a model's state is accepted exactly when every element keeps the field's rule
// (NaN, ±Infinity, whole numbers, bounds, positive, strictly increasing), and a refused one names the first
// element that breaks it. The reader checks arrays in one fast pass and falls back to element-by-element
// messages; this pins the fast pass to the rule as documented.
import fc from 'fast-check';
import { pack } from '../../src/core/serialize.js';
import { StateReader, type ArrayRule } from '../../src/core/untrusted.js';

/** The first element index breaking `rule`, read straight from ArrayRule's documentation; -1 when none. */
function firstBreak(values: Float64Array, rule: ArrayRule): number {
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    const bad = Number.isNaN(v)
      ? !rule.nan
      : (!Number.isFinite(v) && !rule.infinite) ||
        (rule.integer === true && Number.isFinite(v) && !Number.isInteger(v)) ||
        (rule.positive === true && !(v > 0)) ||
        (rule.min !== undefined && v < rule.min) ||
        (rule.max !== undefined && v > rule.max);
    if (bad || (rule.increasing && i > 0 && !(v > values[i - 1]))) return i;
  }
  return -1;
}

const element = fc.oneof(
  fc.constantFrom(NaN, Infinity, -Infinity, 0, -0, 1, 2, 2.5, -3),
  fc.integer({ min: -5, max: 5 }),
  fc.double({ min: -10, max: 10, noNaN: true }),
);

const rule: fc.Arbitrary<ArrayRule> = fc.record(
  {
    min: fc.constantFrom(-1, 0, 1),
    max: fc.constantFrom(1, 3, 10),
    integer: fc.boolean(),
    infinite: fc.boolean(),
    positive: fc.boolean(),
    nan: fc.boolean(),
    increasing: fc.boolean(),
  },
  { requiredKeys: [] },
);

describe('packed arrays in a model state', () => {
  it('are accepted exactly when every element keeps the rule, and a refusal names the first bad element', () => {
    fc.assert(
      fc.property(fc.array(element, { maxLength: 8 }), rule, (items, r) => {
        const values = Float64Array.from(items);
        const reader = StateReader.of({ a: pack(values) }, 'a test model');
        const first = firstBreak(values, r);
        if (first === -1) {
          expect(Array.from(reader.f64('a', r))).toEqual(Array.from(values));
        } else {
          expect(() => reader.f64('a', r)).toThrow(
            new RegExp(`state\\.a(\\[${first}\\]| must be strictly increasing, but element ${first} )`),
          );
        }
      }),
      { numRuns: 3000, seed: 11 },
    );
  });
});
