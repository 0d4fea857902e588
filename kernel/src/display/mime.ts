/**
 * This module contains how a value becomes a MIME bundle: the DISPLAY symbol's protocol (beemind/protocol) (which
 * the library's leaderboards and charts implement), arquero tables as escaped HTML tables, Vega-Lite specs as
 * `application/vnd.vegalite.v5+json` (what stock JupyterLab renders) with a text fallback, and
 * `util.inspect` text for everything else.
 */
import { inspect } from 'node:util';
import { DISPLAY } from 'beemind/protocol';
import { tableBundle } from './html.js';

export { DISPLAY };
export const VEGALITE_MIME = 'application/vnd.vegalite.v5+json';
const VEGALITE_V5_SCHEMA = 'https://vega.github.io/schema/vega-lite/v5.json';
const TABLE_ROWS = 50;

export type MimeData = Record<string, unknown>;

export interface Bundle {
  data: MimeData;
  metadata: Record<string, unknown>;
}

/** A value wrapped to show as given MIME types; what display.html() and friends return. */
export class Displayable {
  constructor(readonly bundle: MimeData) {}
  [DISPLAY](): MimeData {
    return this.bundle;
  }
}

export function plainText(value: unknown): string {
  if (typeof value === 'string') return inspect(value);
  return inspect(value, {
    depth: 4,
    maxArrayLength: 100,
    maxStringLength: 10_000,
    breakLength: 100,
    colors: false,
  });
}

/** The bundle of a value, or undefined when the value asks not to be shown (its display method returns null). */
export function toBundle(value: unknown): Bundle | undefined {
  const data = toMimeData(value);
  if (data === null) return undefined;
  if (typeof data['text/plain'] !== 'string') data['text/plain'] = plainText(value);
  return { data, metadata: {} };
}

function toMimeData(value: unknown): MimeData | null {
  if (typeof value !== 'object' || value === null) return { 'text/plain': plainText(value) };
  const custom = (value as { [DISPLAY]?: unknown })[DISPLAY];
  if (typeof custom === 'function') {
    try {
      const bundle = custom.call(value) as unknown;
      if (bundle === null || bundle === undefined) return null;
      if (typeof bundle === 'object') return normaliseVegaLite({ ...(bundle as MimeData) });
    } catch (error) {
      return {
        'text/plain': `${plainText(value)}\n(its display method failed: ${(error as Error).message})`,
      };
    }
  }
  if (isArqueroTable(value)) return arqueroBundle(value);
  if (isVegaLiteSpec(value)) return vegaLiteBundle(value);
  return { 'text/plain': plainText(value) };
}

interface ArqueroLike {
  numRows(): number;
  columnNames(): string[];
  get(name: string, row: number): unknown;
}

function isArqueroTable(value: object): value is ArqueroLike {
  const t = value as Partial<Record<keyof ArqueroLike, unknown>>;
  return (
    typeof t.numRows === 'function' && typeof t.columnNames === 'function' && typeof t.get === 'function'
  );
}

function arqueroBundle(table: ArqueroLike): MimeData {
  const columns = table.columnNames();
  const totalRows = table.numRows();
  const rows: unknown[][] = [];
  for (let i = 0; i < Math.min(totalRows, TABLE_ROWS); i++) rows.push(columns.map((c) => table.get(c, i)));
  return tableBundle({ columns, rows, totalRows });
}

export function isVegaLiteSpec(value: unknown): value is Record<string, unknown> {
  const schema = (value as { $schema?: unknown } | null)?.$schema;
  return typeof schema === 'string' && /vega-lite/i.test(schema);
}

/** A Vega-Lite spec for JupyterLab's v5 renderer (v6 specs are relabelled) plus a text description. */
export function vegaLiteBundle(spec: Record<string, unknown>): MimeData {
  const schema = typeof spec.$schema === 'string' ? spec.$schema : '';
  const v5 =
    /vega-lite\/v\d+/.test(schema) && !schema.includes('/v5')
      ? { ...spec, $schema: VEGALITE_V5_SCHEMA }
      : spec;
  const title =
    typeof spec.title === 'string' ? spec.title : (spec.title as { text?: unknown } | undefined)?.text;
  const mark =
    typeof spec.mark === 'string' ? spec.mark : (spec.mark as { type?: unknown } | undefined)?.type;
  const described = [title, mark ? `${String(mark)} chart` : 'chart'].filter(Boolean).join(': ');
  return { [VEGALITE_MIME]: v5, 'text/plain': `<Vega-Lite ${described}>` };
}

function normaliseVegaLite(data: MimeData): MimeData {
  const v6 = data['application/vnd.vegalite.v6+json'];
  if (v6 && !data[VEGALITE_MIME] && isVegaLiteSpec(v6))
    data[VEGALITE_MIME] = vegaLiteBundle(v6)[VEGALITE_MIME];
  return data;
}
