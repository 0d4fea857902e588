/**
 * This module contains the RunEventSource contract (what the comm bridge and the progress display need from
 * the AutoML library) and its adapter over the `beemind` package's event hub. The bridge is tested with a
 * fake source; the kernel loads the real library lazily through the cells' importer (packages/importer.ts),
 * so cells and bridge share one library instance.
 */

import type { RunEvent, RunSnapshot } from 'beemind/protocol';

export type RunEventListener = (event: RunEvent) => void;

export interface RunEventSource {
  /** Calls `listener` for every future event; returns the unsubscribe function. */
  subscribe(listener: RunEventListener): () => void;
  /** Every run so far with its events. */
  snapshot(): RunSnapshot[];
  /** Permutation importance of a drone, when the library can compute it. */
  importance?(runId: string, droneId: string): Promise<unknown>;
  /** Confusion matrix `{ labels, matrix }` of a drone (classification runs), when the library can compute it. */
  confusion?(runId: string, droneId: string): Promise<unknown>;
  /** One row's attributions for a drone (the library's `Run.explainRow`), when the library can explain. */
  explain?(runId: string, droneId: string, row: number, source: 'test' | 'sent'): Promise<unknown>;
}

/**
 * What the kernel uses of the library, typed from the library itself (a type-only import: nothing is loaded
 * here). A notebook folder's older copy may lack the optional parts.
 */
type Library = typeof import('beemind');
type BeeMindModule = Pick<Library, 'subscribeRunEvents' | 'runSnapshots'> &
  Partial<Pick<Library, 'storedRunSnapshots' | 'getRun'>>;

/** Imports `beemind` as a cell would (the notebook's copy, else the kernel's), so cells and bridge share one instance. */
export async function loadLibrarySource(importer: {
  import(specifier: string): Promise<unknown>;
}): Promise<RunEventSource> {
  const lib = (await importer.import('beemind')) as BeeMindModule;
  if (typeof lib.subscribeRunEvents !== 'function' || typeof lib.runSnapshots !== 'function') {
    throw new Error(
      'this version of the beemind library has no run event hub (subscribeRunEvents/runSnapshots)',
    );
  }
  const getRun = lib.getRun;
  const runOf = (runId: string) => {
    const run = getRun?.(runId);
    if (!run) throw new Error(`no run ${runId} in this kernel`);
    return run;
  };
  return {
    subscribe: (listener) => lib.subscribeRunEvents(listener),
    snapshot: () => mergeSnapshots(storedRuns(lib), lib.runSnapshots()),
    importance: getRun ? async (runId, droneId) => runOf(runId).importance(droneId) : undefined,
    confusion: getRun ? async (runId, droneId) => runOf(runId).confusionMatrix(droneId) : undefined,
    explain: getRun
      ? async (runId, droneId, row, source) => {
          const run = runOf(runId);
          if (typeof run.explainRow !== 'function')
            throw new Error(
              'this version of the beemind library cannot explain rows (Run.explainRow is missing)',
            );
          return run.explainRow(droneId, row, source);
        }
      : undefined,
  };
}

/** How many earlier runs from the experiment store a snapshot carries. */
const STORED_RUNS = 20;

function storedRuns(lib: BeeMindModule): { runId: string; events: unknown[] }[] {
  if (!lib.storedRunSnapshots) return [];
  try {
    return lib.storedRunSnapshots({ limit: STORED_RUNS });
  } catch {
    return []; // an unreadable store must not break the live panels
  }
}

/**
 * Earlier runs from the store (so a reopened notebook shows them), then this kernel's runs; a run present in
 * both is taken from this kernel, whose copy is the newest.
 */
export function mergeSnapshots<T extends { runId: string }>(stored: readonly T[], live: readonly T[]): T[] {
  const liveIds = new Set(live.map((r) => r.runId));
  return [...stored.filter((r) => !liveIds.has(r.runId)), ...live];
}
