// A bench plugin for bench/queue-throughput.mjs: the `bench_sleep` model family, whose fit waits `ms`
// milliseconds (a stand-in for an evaluation that waits on something remote) and then predicts the class priors.
// Imported by the benchmark and, through `beemind worker --plugin`, by every worker process.
import { z } from 'zod';
import { createMatrix } from '../beemind/dist/core/matrix.js';
import { BaseClassifier } from '../beemind/dist/models/estimator.js';
import { registerModelFamily } from '../beemind/dist/models/registry.js';

const schema = z.object({ ms: z.number().min(0).default(200) });

class SleepClassifier extends BaseClassifier {
  family = 'bench_sleep';
  constructor(params) {
    super(schema, params, 'bench_sleep');
  }
  async fitValidated(_X, y) {
    if (this.params.ms > 0) await new Promise((resolve) => setTimeout(resolve, this.params.ms));
    this.priors = new Float64Array(this.nClasses);
    for (let i = 0; i < y.length; i++) this.priors[y[i]] += 1 / y.length;
  }
  predictProbaValidated(X) {
    const P = createMatrix(X.rows, this.nClasses);
    for (let i = 0; i < X.rows; i++) P.data.set(this.priors, i * this.nClasses);
    return P;
  }
  getState() {
    return { priors: Array.from(this.priors) };
  }
  setState(state) {
    this.priors = Float64Array.from(state.priors);
  }
}

registerModelFamily({
  family: 'bench_sleep',
  label: 'Sleep (benchmark only)',
  tasks: ['classification'],
  create: (_task, params) => new SleepClassifier(params),
});
