/**
 * This module contains the Prometheus metrics of one server (its own registry, so several servers in one
 * process never share counters): requests and their latency by route, errors by status and problem type,
 * predictions per model version, rows per prediction request, and the drift (PSI) of each monitored model
 * version, computed when scraped.
 */

/** The drift of every monitored model's versions, read at each scrape. */
export type DriftSource = () => { model: string; versions: VersionDrift[] }[];
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { VersionDrift } from './monitoring.js';

export class ServeMetrics {
  readonly registry = new Registry();
  readonly requests: Counter<'method' | 'route' | 'status'>;
  readonly latency: Histogram<'method' | 'route'>;
  readonly errors: Counter<'status' | 'type'>;
  readonly predictions: Counter<'model' | 'version' | 'selected_by'>;
  readonly rows: Histogram<'model'>;

  constructor(drift: DriftSource = () => []) {
    const registers = [this.registry];
    this.requests = new Counter({
      name: 'beemind_http_requests_total',
      help: 'HTTP requests answered, by method, route pattern and status code',
      labelNames: ['method', 'route', 'status'],
      registers,
    });
    this.latency = new Histogram({
      name: 'beemind_http_request_duration_seconds',
      help: 'Time from receiving a request to sending its response, by method and route pattern',
      labelNames: ['method', 'route'],
      // sub-millisecond resolution: a single-row prediction takes well under a millisecond
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    });
    this.errors = new Counter({
      name: 'beemind_http_errors_total',
      help: 'Error responses by status code and problem type',
      labelNames: ['status', 'type'],
      registers,
    });
    this.predictions = new Counter({
      name: 'beemind_predictions_total',
      help: 'Rows predicted, by model, version, and how the version was selected (version, stage, split, production, latest)',
      labelNames: ['model', 'version', 'selected_by'],
      registers,
    });
    this.rows = new Histogram({
      name: 'beemind_prediction_rows',
      help: 'Rows per prediction request, by model',
      labelNames: ['model'],
      buckets: [1, 2, 5, 10, 50, 100, 500, 1000, 5000, 10000],
      registers,
    });
    new Gauge({
      name: 'beemind_feature_psi',
      help: 'Population stability index of a feature over the monitoring window against the reference data',
      labelNames: ['model', 'version', 'feature'],
      registers,
      collect() {
        this.reset();
        for (const { model, versions } of drift())
          for (const v of versions)
            for (const f of v.features)
              if (f.psi !== null) this.set({ model, version: String(v.version), feature: f.feature }, f.psi);
      },
    });
    new Gauge({
      name: 'beemind_prediction_psi',
      help: "Population stability index of a version's predictions over the monitoring window against its predictions on the reference data",
      labelNames: ['model', 'version'],
      registers,
      collect() {
        this.reset();
        for (const { model, versions } of drift())
          for (const v of versions)
            if (v.prediction.psi !== null) this.set({ model, version: String(v.version) }, v.prediction.psi);
      },
    });
    collectDefaultMetrics({ register: this.registry, prefix: 'beemind_' });
  }
}
