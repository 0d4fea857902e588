/**
 * This module contains the colours of the panels: the theme colours read from JupyterLab's CSS variables (so
 * canvases follow the light and dark themes), the score colour ramp and the categorical palette.
 */

export interface ThemeColors {
  background: string;
  surface: string;
  text: string;
  textMuted: string;
  border: string;
  accent: string;
  failed: string;
  timeout: string;
  pruned: string;
  selection: string;
  font: string;
}

const FALLBACK: ThemeColors = {
  background: '#ffffff',
  surface: '#eeeeee',
  text: '#212121',
  textMuted: '#757575',
  border: '#bdbdbd',
  accent: '#1976d2',
  failed: '#d32f2f',
  timeout: '#f57c00',
  pruned: '#9e9e9e',
  selection: '#e91e63',
  font: '12px system-ui, sans-serif',
};

/** Theme colours as computed for `node` (JupyterLab CSS variables, with fallbacks outside JupyterLab). */
export function themeColors(node: Element): ThemeColors {
  const style = getComputedStyle(node);
  const v = (name: string, fallback: string) => style.getPropertyValue(name).trim() || fallback;
  const family = v('--jp-ui-font-family', 'system-ui, sans-serif');
  return {
    background: v('--jp-layout-color1', FALLBACK.background),
    surface: v('--jp-layout-color2', FALLBACK.surface),
    text: v('--jp-ui-font-color1', FALLBACK.text),
    textMuted: v('--jp-ui-font-color2', FALLBACK.textMuted),
    border: v('--jp-border-color2', FALLBACK.border),
    accent: v('--jp-brand-color1', FALLBACK.accent),
    failed: v('--jp-error-color1', FALLBACK.failed),
    timeout: v('--jp-warn-color1', FALLBACK.timeout),
    pruned: v('--jp-ui-font-color3', FALLBACK.pruned),
    selection: v('--jp-accent-color1', FALLBACK.selection),
    font: `11px ${family}`,
  };
}

/** Viridis, sampled at nine points: perceptually even, readable on light and dark backgrounds. */
const RAMP = [
  [0x44, 0x01, 0x54],
  [0x47, 0x2d, 0x7b],
  [0x3b, 0x52, 0x8b],
  [0x2c, 0x72, 0x8e],
  [0x21, 0x91, 0x8c],
  [0x28, 0xae, 0x80],
  [0x5e, 0xc9, 0x62],
  [0xad, 0xdc, 0x30],
  [0xfd, 0xe7, 0x25],
];

export const SCORE_BUCKETS = 64;

/** SCORE_BUCKETS colours from worst (dark purple) to best (yellow). */
export const SCORE_COLORS: readonly string[] = Array.from({ length: SCORE_BUCKETS }, (_, i) =>
  rampColor(i / (SCORE_BUCKETS - 1)),
);

/** The ramp colour at t in [0, 1]. */
export function rampColor(t: number): string {
  const x = Math.min(1, Math.max(0, t)) * (RAMP.length - 1);
  const i = Math.min(RAMP.length - 2, Math.floor(x));
  const f = x - i;
  const c = RAMP[i].map((a, k) => Math.round(a + (RAMP[i + 1][k] - a) * f));
  return `rgb(${c[0]}, ${c[1]}, ${c[2]})`;
}

/** A qualitative palette for operators, families and runs. */
export const PALETTE = [
  '#4e79a7',
  '#f28e2b',
  '#e15759',
  '#76b7b2',
  '#59a14f',
  '#edc948',
  '#b07aa1',
  '#ff9da7',
  '#9c755f',
  '#8cd17d',
];

/** A stable palette colour for a name (known operators get fixed colours). */
export function categoryColor(name: string, known: readonly string[] = []): string {
  const at = known.indexOf(name);
  if (at >= 0) return PALETTE[at % PALETTE.length];
  let h = 0;
  for (let i = 0; i < name.length; i++) h = (h * 31 + name.charCodeAt(i)) | 0;
  return PALETTE[Math.abs(h) % PALETTE.length];
}

export const KNOWN_OPERATORS = [
  'crossover',
  'mutation',
  'init',
  'portfolio',
  'random',
  'tpe',
  'grid',
  'halving',
];
