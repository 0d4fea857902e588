// Plugging your own parts into evolve(): a strategy that tries your own genomes first and then hands over
// to TPE, and a median pruner that gives more rows only to drones at or above the median of their rung.
// Run it after building the library (npx tsc -b): node beemind/examples/custom_search.mjs
import { createStrategy, evolve, loadDataset, toDataset } from 'beemind';

/** Proposes `picks` first, then whatever TPE proposes; tells TPE every result so it learns from them too. */
class HandPickedThenTpe {
  name = 'hand-picked-then-tpe';
  #picks;
  #tpe;
  #asked = 0;

  constructor(space, context, picks) {
    this.#tpe = createStrategy('tpe', space, { seed: context.seed });
    this.#picks = [...picks];
  }

  get exhausted() {
    return this.#picks.length === 0 && this.#tpe.exhausted;
  }

  get pending() {
    return this.#asked + this.#tpe.pending;
  }

  ask(n) {
    const picked = this.#picks
      .splice(0, n)
      .map((genome) => ({ genome, parents: [], operator: 'hand_picked' }));
    this.#asked += picked.length;
    return [...picked, ...this.#tpe.ask(n - picked.length)];
  }

  tell(results) {
    this.#asked = Math.max(0, this.#asked - results.length);
    this.#tpe.tell(results);
  }
}

/** Optuna's median rule on data fractions: a quarter of the rows first, all rows for the better half. */
function medianPruner(greaterIsBetter = true) {
  const seen = [];
  return {
    fractions: [0.25, 1],
    promote(rung, scores) {
      for (const s of scores) if (s !== null) seen.push(s);
      const sorted = [...seen].sort((a, b) => a - b);
      const median = sorted[Math.floor(sorted.length / 2)];
      return scores.map((s) => s !== null && (greaterIsBetter ? s >= median : s <= median));
    },
  };
}

const data = toDataset(await loadDataset('breast_cancer'), { target: 'diagnosis' });
const picks = [
  { steps: [], model: { family: 'logistic_regression', params: { C: 1 } } },
  { steps: [], model: { family: 'hist_gradient_boosting', params: { learningRate: 0.1 } } },
];
const run = await evolve(
  data,
  { seed: 0, workers: 0, store: false, budget: { evaluations: 12 } },
  { strategy: (space, context) => new HandPickedThenTpe(space, context, picks), pruner: medianPruner() },
);
for (const d of run.drones) {
  console.log(
    `${d.id}  ${d.operator.padEnd(12)} ${d.family.padEnd(24)} ${d.status.padEnd(7)} rows ${d.fraction}  ${d.score?.toFixed(4) ?? '—'}`,
  );
}
console.log(`champion ${run.finished.championId}, test accuracy ${run.testScore?.toFixed(4)}`);
