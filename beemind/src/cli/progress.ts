/**
 * This module contains the terminal progress bar of a run, drawn on stderr from its event stream as FoldedRun
 * reads it (the same reading as the notebook's progress bar and the panels).
 */
import cliProgress from 'cli-progress';
import type { RunEvent } from '../protocol/events.js';
import { FoldedRun } from '../protocol/run_state.js';

export interface ProgressOptions {
  /** The run's limits, to size the bar: by seconds when given, else by evaluations. */
  seconds?: number;
  evaluations?: number;
  stream?: NodeJS.WriteStream;
}

/** Returns an event listener that draws the bar and a function that stops it. */
export function terminalProgress({ seconds, evaluations, stream = process.stderr }: ProgressOptions) {
  const bySeconds = seconds !== undefined;
  const total = bySeconds ? Math.round(seconds!) : (evaluations ?? 100);
  const bar = new cliProgress.SingleBar(
    {
      stream,
      format: `{bar} {value}/{total} ${bySeconds ? 's' : 'drones'} | {drones} drones | best {best} {family} | gen {generation}`,
      barCompleteChar: '\u2588',
      barIncompleteChar: '\u2591',
      hideCursor: true,
      clearOnComplete: false,
      noTTYOutput: true,
      notTTYSchedule: 2000,
    },
    cliProgress.Presets.shades_classic,
  );
  let run: FoldedRun | null = null;
  let startedAt = 0;
  let timer: NodeJS.Timeout | undefined;
  const payload = () => {
    const best = run?.bestDrone ?? null;
    return {
      drones: run?.evaluated ?? 0,
      best: best?.score != null ? best.score.toFixed(4) : '—',
      family: best?.family ?? '',
      generation: run?.generation ?? 0,
    };
  };
  const tick = () =>
    bar.update(
      bySeconds ? Math.min(total, Math.round((Date.now() - startedAt) / 1000)) : (run?.evaluated ?? 0),
      payload(),
    );

  const listener = (event: RunEvent) => {
    if (event.type === 'run.started') {
      run = new FoldedRun(event.runId);
      run.fold(event);
      startedAt = Date.now();
      bar.start(total, 0, payload());
      if (bySeconds) timer = setInterval(tick, 250).unref();
      return;
    }
    if (!run || event.runId !== run.runId || !run.fold(event)) return;
    if (event.type !== 'run.finished') return tick();
    if (timer) clearInterval(timer);
    bar.update(bySeconds ? total : run.evaluated, payload());
    bar.stop();
  };
  return {
    listener,
    stop: () => {
      if (timer) clearInterval(timer);
      bar.stop();
    },
  };
}
