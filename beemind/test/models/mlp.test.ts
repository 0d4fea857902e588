// Multi-layer perceptron: learns XOR and a smooth regression, seeded determinism, no TensorFlow.js tensors
// left behind, a hand-checked forward pass, Adam's update rule, early stopping and the backend report.
import { ConfigurationError, EvaluationError } from '../../src/core/errors.js';
import { createMatrix, matrixFromRows } from '../../src/core/matrix.js';
import { Random } from '../../src/core/random.js';
import { pack } from '../../src/core/serialize.js';
import { estimatorFromJSON } from '../../src/models/registry.js';
import '../../src/models/families.js';
import { Adam } from '../../src/models/neural/adam.js';
import { activeTensorflowBackend, tensorflowBackend } from '../../src/models/neural/backend.js';
import { MLPClassifier, MLPRegressor } from '../../src/models/neural/mlp.js';
import { forward, initialWeights, layerSlices, parameterCount } from '../../src/models/neural/network.js';

const xorX = matrixFromRows([
  [0, 0],
  [0, 1],
  [1, 0],
  [1, 1],
]);
const xorY = Float64Array.from([0, 1, 1, 0]);
// small, quick settings: XOR needs a hidden layer but not a big one
const xorParams = { hiddenLayerSizes: [8], activation: 'tanh', learningRate: 0.1, maxIter: 100, alpha: 0 };

describe('MLP classifier', () => {
  // first in the file (each jest file has its own module state): nothing has started TensorFlow.js yet
  it('predicts from saved JSON without starting TensorFlow.js, as a fresh process would', () => {
    const weights = Float32Array.from([1, -1, 2, 0.5, 0, 0.25, 1.5, -2, 0.5]);
    const model = estimatorFromJSON({
      format: 'beemind.estimator',
      version: 1,
      family: 'mlp',
      task: 'classification',
      params: { hiddenLayerSizes: [2] },
      state: {
        nFeatures: 2,
        nClasses: 2,
        model: {
          layerSizes: [2, 2, 1],
          output: 'sigmoid',
          weights: pack(weights),
          lossCurve: [],
          validationScores: [],
          backend: 'wasm',
        },
      },
    });
    const P = model.predictProba!(matrixFromRows([[1, 2]]));
    // same network as the hand-checked forward pass below: z = 7.5
    expect(P.data[1]).toBeCloseTo(1 / (1 + Math.exp(-7.5)), 12);
    expect(activeTensorflowBackend()).toBeNull();
  });

  it('rejects an unknown BEEMIND_TF_BACKEND, then starts once it is corrected', async () => {
    process.env.BEEMIND_TF_BACKEND = 'gpu';
    try {
      await expect(tensorflowBackend()).rejects.toThrow(ConfigurationError);
      await expect(tensorflowBackend()).rejects.toThrow(/BEEMIND_TF_BACKEND="gpu".*tensorflow, wasm, cpu/);
    } finally {
      delete process.env.BEEMIND_TF_BACKEND;
    }
    const backend = await tensorflowBackend();
    expect(activeTensorflowBackend()).toEqual({ name: backend.name, provider: backend.provider });
  });

  it('learns XOR (not linearly separable)', async () => {
    const model = await new MLPClassifier(xorParams).fit(xorX, xorY);
    expect(Array.from(model.predict(xorX))).toEqual([0, 1, 1, 0]);
    const P = model.predictProba(xorX);
    expect(P.cols).toBe(2);
    for (let i = 0; i < 4; i++) expect(P.data[2 * i + xorY[i]]).toBeGreaterThan(0.8);
  });

  it('is deterministic for a seed and differs between seeds', async () => {
    const params = { ...xorParams, maxIter: 20 };
    const a = (await new MLPClassifier({ ...params, seed: 0 }).fit(xorX, xorY)).predictProba(xorX).data;
    const b = (await new MLPClassifier({ ...params, seed: 0 }).fit(xorX, xorY)).predictProba(xorX).data;
    const c = (await new MLPClassifier({ ...params, seed: 1 }).fit(xorX, xorY)).predictProba(xorX).data;
    expect(b).toEqual(a);
    expect(c).not.toEqual(a);
  });

  it('uses a softmax output for more than two classes', async () => {
    const rng = new Random(2);
    const X = createMatrix(90, 2);
    const y = new Float64Array(90);
    const centres = [
      [0, 3],
      [-3, -2],
      [3, -2],
    ];
    for (let i = 0; i < 90; i++) {
      y[i] = i % 3;
      X.data[2 * i] = centres[y[i]][0] + 0.5 * rng.normal();
      X.data[2 * i + 1] = centres[y[i]][1] + 0.5 * rng.normal();
    }
    const model = await new MLPClassifier({ hiddenLayerSizes: [6], learningRate: 0.05, maxIter: 40 }).fit(
      X,
      y,
    );
    const P = model.predictProba(X);
    expect(P.cols).toBe(3);
    for (let i = 0; i < P.rows; i++)
      expect(P.data[3 * i] + P.data[3 * i + 1] + P.data[3 * i + 2]).toBeCloseTo(1, 12);
    const accuracy = model.predict(X).filter((v, i) => v === y[i]).length / 90;
    expect(accuracy).toBeGreaterThan(0.95);
  });

  it('leaves no TensorFlow.js tensors behind after fit, predict and a JSON round trip', async () => {
    const { tf } = await tensorflowBackend();
    const before = tf.memory().numTensors;
    for (let r = 0; r < 2; r++) {
      const model = await new MLPClassifier({ ...xorParams, maxIter: 5 }).fit(xorX, xorY);
      model.predictProba(xorX);
      estimatorFromJSON(JSON.parse(JSON.stringify(model.toJSON()))).predict(xorX);
    }
    expect(tf.memory().numTensors).toBe(before);
  });

  it('restores bit-identical predictions from JSON, with the weights packed as float32', async () => {
    const model = await new MLPClassifier({ ...xorParams, maxIter: 30 }).fit(xorX, xorY);
    const json = JSON.parse(JSON.stringify(model.toJSON()));
    expect(json.state.model.weights.dtype).toBe('f32');
    const restored = estimatorFromJSON(json);
    expect(restored.predictProba!(xorX).data).toEqual(model.predictProba(xorX).data);
  });

  it('stops early once the validation score stops improving', async () => {
    const rng = new Random(3);
    const X = createMatrix(100, 2);
    const y = new Float64Array(100);
    for (let i = 0; i < 100; i++) {
      X.data[2 * i] = rng.normal();
      X.data[2 * i + 1] = rng.normal();
      y[i] = X.data[2 * i] > 0 ? 1 : 0;
    }
    const model = await new MLPClassifier({
      hiddenLayerSizes: [4],
      learningRate: 0.05,
      maxIter: 200,
      earlyStopping: true,
      validationFraction: 0.2,
      nIterNoChange: 3,
    }).fit(X, y);
    const epochs = model.lossCurve.length;
    expect(epochs).toBeLessThan(200);
    // stops after more than nIterNoChange epochs without a better validation score
    expect(model.validationScores.length).toBe(epochs);
    const best = Math.max(...model.validationScores);
    const firstBest = model.validationScores.indexOf(best);
    expect(epochs - 1 - firstBest).toBeGreaterThanOrEqual(4);
    const accuracy = model.predict(X).filter((v, i) => v === y[i]).length / 100;
    expect(accuracy).toBeGreaterThan(0.8);
  });
});

describe('MLP regressor', () => {
  it('fits a smooth function of two inputs', async () => {
    const rng = new Random(4);
    const X = createMatrix(80, 2);
    const y = new Float64Array(80);
    for (let i = 0; i < 80; i++) {
      const a = rng.uniform(-1, 1);
      const b = rng.uniform(-1, 1);
      X.data[2 * i] = a;
      X.data[2 * i + 1] = b;
      y[i] = 2 * a - b + 0.5;
    }
    const model = await new MLPRegressor({
      hiddenLayerSizes: [8],
      learningRate: 0.02,
      batchSize: 16,
      maxIter: 60,
    }).fit(X, y);
    const pred = model.predict(X);
    const mean = y.reduce((s, v) => s + v, 0) / y.length;
    let ssRes = 0;
    let ssTot = 0;
    y.forEach((v, i) => {
      ssRes += (v - pred[i]) ** 2;
      ssTot += (v - mean) ** 2;
    });
    expect(1 - ssRes / ssTot).toBeGreaterThan(0.95);
    // the training loss (half mean squared error) goes down
    expect(model.lossCurve[model.lossCurve.length - 1]).toBeLessThan(model.lossCurve[0]);
  });

  it('starts from the mean target, so an offset target costs no epochs of climbing', async () => {
    const rng = new Random(7);
    const X = createMatrix(60, 2);
    const y = new Float64Array(60);
    for (let i = 0; i < 60; i++) {
      X.data[2 * i] = rng.uniform(-1, 1);
      X.data[2 * i + 1] = rng.uniform(-1, 1);
      y[i] = 150 + 10 * X.data[2 * i];
    }
    // a step too small to move anything: the predictions are the initial network's
    const model = await new MLPRegressor({ hiddenLayerSizes: [4], learningRate: 1e-9, maxIter: 1 }).fit(X, y);
    const pred = model.predict(X);
    const meanPred = pred.reduce((s, v) => s + v, 0) / pred.length;
    const meanY = y.reduce((s, v) => s + v, 0) / y.length;
    expect(Math.abs(meanPred - meanY)).toBeLessThan(5);
    // half the target variance (≈ 17) plus the initial network's noise, not ≈ 150² / 2
    expect(model.lossCurve[0]).toBeLessThan(100);
  });
});

describe('MLP training failures', () => {
  it('reports a diverging fit as an EvaluationError with a fix', async () => {
    const X = matrixFromRows([[1000], [2000], [3000], [4000]]);
    const y = Float64Array.from([1, 2, 3, 4]);
    const model = new MLPRegressor({ hiddenLayerSizes: [4], learningRate: 1e12, maxIter: 20 });
    await expect(model.fit(X, y)).rejects.toThrow(EvaluationError);
    await expect(model.fit(X, y)).rejects.toThrow(/training loss became .*lower learningRate/);
  });
});

describe('network building blocks', () => {
  it('runs the forward pass a hand computation gives', () => {
    // 2 inputs → 2 relu units → 1 sigmoid output
    const shape = { layerSizes: [2, 2, 1], activation: 'relu' as const, output: 'sigmoid' as const };
    expect(parameterCount(shape.layerSizes)).toBe(2 * 2 + 2 + 2 + 1);
    const [hidden, out] = layerSlices(shape.layerSizes);
    const w = new Float32Array(9);
    w.set([1, -1, 2, 0.5], hidden.weights); // W1 = [[1, -1], [2, 0.5]]
    w.set([0, 0.25], hidden.biases);
    w.set([1.5, -2], out.weights);
    w.set([0.5], out.biases);
    const [p] = forward(shape, w, matrixFromRows([[1, 2]]));
    // h = relu([1 + 4 + 0, -1 + 1 + 0.25]) = [5, 0.25]; z = 7.5 − 0.5 + 0.5 = 7.5
    expect(p).toBeCloseTo(1 / (1 + Math.exp(-7.5)), 12);
  });

  it('initialises like scikit-learn: uniform within ±√(6 / (fan_in + fan_out))', () => {
    const shape = { layerSizes: [10, 20, 3], activation: 'relu' as const, output: 'softmax' as const };
    const w = initialWeights(shape, new Random(0));
    const [first] = layerSlices(shape.layerSizes);
    const bound = Math.sqrt(6 / 30);
    const firstLayer = w.subarray(first.weights, first.biases + first.outputs);
    expect(firstLayer.every((v) => Math.abs(v) <= bound)).toBe(true);
    expect(Math.max(...firstLayer.map(Math.abs))).toBeGreaterThan(0.9 * bound);
    expect(initialWeights(shape, new Random(0))).toEqual(w);
  });

  it('applies the bias-corrected Adam step: the first move is learningRate against the gradient sign', () => {
    const adam = new Adam(2, { learningRate: 0.1, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 });
    const params = Float64Array.from([1, 1]);
    adam.step(params, Float64Array.from([3, -0.5]));
    expect(params[0]).toBeCloseTo(0.9, 6);
    expect(params[1]).toBeCloseTo(1.1, 6);
  });

  it('reports which TensorFlow.js backend trained the model', async () => {
    const model = await new MLPClassifier({ ...xorParams, maxIter: 2 }).fit(xorX, xorY);
    const active = activeTensorflowBackend();
    expect(active).not.toBeNull();
    expect(['tensorflow', 'wasm', 'cpu']).toContain(active!.name);
    expect((model.toJSON().state as { model: { backend: string } }).model.backend).toBe(active!.name);
  });
});
