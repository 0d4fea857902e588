/**
 * This module contains the panels' settings: their TypeScript shape, the defaults (kept equal to
 * schema/plugin.json by a test) and `readSettings`, which reads a settings composite defensively.
 */

export type EdgeLabels = 'auto' | 'always' | 'selected';

export interface Settings {
  refreshIntervalMs: number;
  autoRequestImportance: boolean;
  maxImportanceFeatures: number;
  leaderboardRows: number;
  edgeLabels: EdgeLabels;
  requestTimeoutSeconds: number;
}

export const DEFAULT_SETTINGS: Readonly<Settings> = Object.freeze({
  refreshIntervalMs: 250,
  autoRequestImportance: true,
  maxImportanceFeatures: 20,
  leaderboardRows: 50,
  edgeLabels: 'auto',
  requestTimeoutSeconds: 300,
});

/** Settings from a composite (JupyterLab has validated it against the schema; unknown or bad values fall back). */
export function readSettings(composite: Record<string, unknown> | null | undefined): Settings {
  const c = composite ?? {};
  const int = (name: keyof Settings, min: number): number => {
    const v = c[name];
    return typeof v === 'number' && Number.isFinite(v) && v >= min
      ? Math.floor(v)
      : (DEFAULT_SETTINGS[name] as number);
  };
  const labels = c.edgeLabels;
  return {
    refreshIntervalMs: int('refreshIntervalMs', 16),
    autoRequestImportance:
      typeof c.autoRequestImportance === 'boolean'
        ? c.autoRequestImportance
        : DEFAULT_SETTINGS.autoRequestImportance,
    maxImportanceFeatures: int('maxImportanceFeatures', 1),
    leaderboardRows: int('leaderboardRows', 5),
    edgeLabels:
      labels === 'auto' || labels === 'always' || labels === 'selected'
        ? labels
        : DEFAULT_SETTINGS.edgeLabels,
    requestTimeoutSeconds: int('requestTimeoutSeconds', 5),
  };
}
