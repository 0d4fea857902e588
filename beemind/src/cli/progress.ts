/**
 * This module contains the terminal progress bar of a run, drawn from its event stream on stderr.
 */
import cliProgress from 'cli-progress';
import type { RunEvent } from '../events/events.js';

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
  let started = 0;
  let drones = 0;
  let best = '—';
  let family = '';
  let generation = 0;
  let timer: NodeJS.Timeout | undefined;
  const payload = () => ({ drones, best, family, generation });
  const tick = () => bar.update(bySeconds ? Math.min(total, Math.round((Date.now() - started) / 1000)) : drones, payload());

  const listener = (event: RunEvent) => {
    switch (event.type) {
      case 'run.started':
        started = Date.now();
        bar.start(total, 0, payload());
        if (bySeconds) timer = setInterval(tick, 250).unref();
        break;
      case 'drone.evaluated':
        drones++;
        tick();
        break;
      case 'generation.completed':
        generation = event.generation + 1;
        if (event.bestScore !== null) best = event.bestScore.toFixed(4);
        tick();
        break;
      case 'run.finished': {
        const top = event.leaderboard[0];
        if (top) family = top.family;
        if (timer) clearInterval(timer);
        bar.update(bySeconds ? total : drones, payload());
        bar.stop();
        break;
      }
    }
  };
  return {
    listener,
    stop: () => {
      if (timer) clearInterval(timer);
      bar.stop();
    },
  };
}
