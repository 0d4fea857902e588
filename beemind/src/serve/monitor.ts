/**
 * This module contains monitor(name): the drift report of a served model, fetched from a running
 * `beemind serve` (GET /v1/models/{name}/monitoring), which a notebook displays as a chart — the PSI of each
 * feature and of the predictions per version, the alert threshold as a rule — with a text table beside it.
 */
import { spec, type VegaLiteSpec } from '../charts/spec.js';
import { ConfigurationError, ProtocolError } from '../core/errors.js';
import { printable, quote } from '../core/text.js';
import { DISPLAY, chartBundle, tableBundle, type MimeBundle } from '../display.js';
import type { VersionDrift } from './monitoring.js';

/** The body of GET /v1/models/{name}/monitoring. */
export interface MonitoringData {
  model: string;
  reference: { source: string; rows: number } | null;
  windowRows: number;
  minRows: number;
  threshold: number;
  versions: VersionDrift[];
}

export interface MonitorOptions {
  /** The server's base URL (default: BEEMIND_SERVE_URL, else http://127.0.0.1:8080). */
  url?: string;
  /** An API key's secret (default: BEEMIND_API_KEY); not needed by a server started with --no-auth. */
  key?: string;
}

/** The bar of the predictions among the features' bars. */
const PREDICTIONS = '(predictions)';

/** A model's drift report: `chart()` for the Vega-Lite spec; a notebook shows it as that chart. */
export class MonitoringReport {
  constructor(readonly data: MonitoringData) {}

  /** Versions with at least one drifted feature or drifted predictions. */
  get drifted(): number[] {
    return this.data.versions
      .filter((v) => v.driftedFeatures.length > 0 || v.prediction.drifted)
      .map((v) => v.version);
  }

  chart(): VegaLiteSpec {
    const values = this.data.versions
      .flatMap((v) => [
        ...v.features.map((f) => ({
          version: v.version,
          feature: f.feature,
          psi: f.psi,
          drifted: f.drifted ? 'drifted' : 'stable',
          missing: f.missingShare,
        })),
        {
          version: v.version,
          feature: PREDICTIONS,
          psi: v.prediction.psi,
          drifted: v.prediction.drifted ? 'drifted' : 'stable',
          missing: 0,
        },
      ])
      .filter((d) => d.psi !== null);
    const y = { field: 'feature', type: 'nominal', title: null, sort: null };
    return spec({
      title: `Drift of ${this.data.model}: PSI over the last ${this.data.windowRows} rows per version${this.data.reference ? '' : ' (no reference data)'}`,
      data: { values },
      width: 360,
      height: { step: 14 },
      layer: [
        {
          mark: 'bar',
          encoding: {
            y,
            yOffset: { field: 'version', type: 'ordinal' },
            x: { field: 'psi', type: 'quantitative', title: 'PSI' },
            color: {
              field: 'drifted',
              type: 'nominal',
              scale: { domain: ['stable', 'drifted'], range: ['#f2a900', '#c0392b'] },
              title: null,
            },
            opacity: { field: 'version', type: 'ordinal', legend: { title: 'version' } },
            tooltip: [
              { field: 'version', type: 'ordinal' },
              { field: 'feature', type: 'nominal' },
              { field: 'psi', type: 'quantitative', format: '.3f' },
              { field: 'missing', type: 'quantitative', format: '.1%', title: 'missing' },
            ],
          },
        },
        {
          mark: { type: 'rule', color: '#555', strokeDash: [4, 3] },
          encoding: { x: { datum: this.data.threshold } },
        },
      ],
    });
  }

  [DISPLAY](): MimeBundle {
    const rows = this.data.versions.flatMap((v) => [
      ...v.features.map((f) => [
        v.version,
        f.feature,
        f.psi,
        f.drifted ? 'drifted' : '',
        f.missingShare,
        f.unseenShare ?? '',
      ]),
      [v.version, PREDICTIONS, v.prediction.psi, v.prediction.drifted ? 'drifted' : '', '', ''],
    ]);
    const text = tableBundle(
      ['version', 'feature', 'psi', 'alert', 'missing', 'unseen'],
      rows,
      `Drift of ${this.data.model} (threshold ${this.data.threshold})`,
    )['text/plain'];
    return chartBundle(this.chart(), text);
  }
}

/**
 * The drift report of model `name` from a running server (see docs/serve.md, "Drift monitoring"). In a notebook
 * the result displays as a chart of the PSI per feature and version, with the alert threshold.
 */
export async function monitor(name: string, options: MonitorOptions = {}): Promise<MonitoringReport> {
  const base = (options.url ?? process.env.BEEMIND_SERVE_URL ?? 'http://127.0.0.1:8080').replace(/\/+$/, '');
  const key = options.key ?? process.env.BEEMIND_API_KEY;
  const url = `${base}/v1/models/${encodeURIComponent(name)}/monitoring`;
  let response: Response;
  try {
    response = await fetch(url, { headers: key ? { authorization: `Bearer ${key}` } : {} });
  } catch (error) {
    throw new ConfigurationError(
      'monitor.unreachable',
      `cannot reach the model server at ${base} (${(error as Error).message}); start it with \`beemind serve\`, or pass { url } (or set BEEMIND_SERVE_URL).`,
      { cause: error },
    );
  }
  const body = (await response.json().catch(() => null)) as (MonitoringData & { detail?: string }) | null;
  if (!response.ok || body === null || !Array.isArray(body.versions)) {
    throw new ProtocolError(
      'monitor.failed',
      `the model server refused the monitoring of ${quote(name)} (HTTP ${response.status}${body?.detail ? `: ${printable(body.detail, { inline: true })}` : ''})${response.status === 401 ? '; pass { key } (or set BEEMIND_API_KEY)' : ''}.`,
    );
  }
  return new MonitoringReport(body);
}
