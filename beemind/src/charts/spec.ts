/**
 * This module contains the plain-JSON Vega-Lite v5 spec type shared by every chart builder. Specs carry
 * their data inline and are rendered by JupyterLab's stock Vega-Lite 5 renderer.
 */
export const VEGA_LITE_SCHEMA = 'https://vega.github.io/schema/vega-lite/v5.json';

/** A Vega-Lite spec as plain JSON (rendered by the frontend; no functions, no code). */
export type VegaLiteSpec = { $schema: string } & Record<string, unknown>;

export function spec(body: Record<string, unknown>): VegaLiteSpec {
  return { $schema: VEGA_LITE_SCHEMA, ...body };
}
