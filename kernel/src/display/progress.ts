/**
 * This module contains the live progress display of AutoML runs: on `run.started` it shows a progress bar in
 * the running cell, then updates it in place (update_display_data through the display id, throttled) as
 * drones are evaluated, until `run.finished`.
 */
import type { RunEventLike, RunEventSource } from '../comm/run-source.js';
import { escapeHtml } from './html.js';

const UPDATE_MS = 250;

export interface ProgressDisplay {
  show(value: unknown, id: string): { update(value: unknown): void };
}

interface RunState {
  name: string;
  metric: string;
  maximize: boolean;
  evaluations?: number;
  seconds?: number;
  started: number;
  evaluated: number;
  failed: number;
  generation: number;
  best?: { score: number; family: string };
  finished?: {
    status: string;
    reason: string;
    elapsed: number;
    champion: string | null;
    testScore: number | null;
  };
  handle: { update(value: unknown): void };
  timer?: ReturnType<typeof setTimeout>;
  lastUpdate: number;
}

export class RunProgress {
  private readonly runs = new Map<string, RunState>();

  constructor(
    private readonly display: ProgressDisplay,
    /** Told how many runs are in flight (an interrupt waits longer while one is). */
    private readonly onActive: (count: number) => void = () => undefined,
  ) {}

  attach(source: RunEventSource): () => void {
    return source.subscribe((event) => this.onEvent(event));
  }

  get active(): number {
    let n = 0;
    for (const run of this.runs.values()) if (!run.finished) n++;
    return n;
  }

  onEvent(event: RunEventLike): void {
    if (event.type === 'run.started') return this.start(event);
    const run = this.runs.get(event.runId);
    if (!run) return;
    if (event.type === 'drone.evaluated') {
      const drone = event.drone as {
        status?: string;
        score?: number | null;
        family?: string;
        generation?: number;
      };
      run.evaluated += 1;
      if (drone.status !== 'ok') run.failed += 1;
      if (typeof drone.generation === 'number') run.generation = Math.max(run.generation, drone.generation);
      const score = drone.score;
      if (
        typeof score === 'number' &&
        (!run.best || (run.maximize ? score > run.best.score : score < run.best.score))
      ) {
        run.best = { score, family: String(drone.family ?? '') };
      }
    } else if (event.type === 'generation.completed' && typeof event.generation === 'number') {
      run.generation = event.generation;
    } else if (event.type === 'run.finished') {
      run.finished = {
        status: String(event.status ?? 'completed'),
        reason: String(event.reason ?? ''),
        elapsed:
          typeof event.elapsedSeconds === 'number' ? event.elapsedSeconds : (Date.now() - run.started) / 1000,
        champion: typeof event.championId === 'string' ? event.championId : null,
        testScore: typeof event.testScore === 'number' ? event.testScore : null,
      };
      if (typeof event.evaluated === 'number') run.evaluated = event.evaluated;
      this.onActive(this.active);
      return this.render(run, true);
    }
    this.render(run, false);
  }

  private start(event: RunEventLike): void {
    const config = (event.config ?? {}) as { budget?: { evaluations?: number; seconds?: number } };
    const metric = String(event.metric ?? 'score');
    const objectives = (event.objectives ?? []) as { name?: string; direction?: string }[];
    const primary = objectives.find((o) => o.name === metric) ?? objectives[0];
    const run: RunState = {
      name: String(event.name ?? event.runId),
      metric,
      maximize: primary?.direction !== 'minimize',
      evaluations: config.budget?.evaluations,
      seconds: config.budget?.seconds,
      started: Date.now(),
      evaluated: 0,
      failed: 0,
      generation: 0,
      handle: { update: () => undefined },
      lastUpdate: 0,
    };
    this.runs.set(event.runId, run);
    run.handle = this.display.show(progressBundle(run), `beemind-run-${event.runId}`);
    run.lastUpdate = Date.now();
    this.onActive(this.active);
  }

  private render(run: RunState, now: boolean): void {
    const due = run.lastUpdate + UPDATE_MS - Date.now();
    if (!now && due > 0) {
      run.timer ??= setTimeout(() => this.render(run, true), due);
      return;
    }
    if (run.timer) clearTimeout(run.timer);
    run.timer = undefined;
    run.lastUpdate = Date.now();
    run.handle.update(progressBundle(run));
  }
}

/** The progress bar as a displayable value (HTML with a text twin). */
function progressBundle(run: RunState): { [key: symbol]: () => Record<string, string> } {
  const elapsed = run.finished ? run.finished.elapsed : (Date.now() - run.started) / 1000;
  const max = run.evaluations ?? run.seconds ?? 1;
  const value = run.finished
    ? max
    : run.evaluations
      ? Math.min(run.evaluated, max)
      : run.seconds
        ? Math.min(elapsed, max)
        : 0;
  const parts = [
    `${run.evaluated}${run.evaluations ? `/${run.evaluations}` : ''} drones`,
    `generation ${run.generation}`,
    run.best
      ? `best ${run.metric} ${formatScore(run.best.score)} (${run.best.family})`
      : `no ${run.metric} yet`,
    `${elapsed.toFixed(1)} s`,
  ];
  if (run.failed > 0) parts.push(`${run.failed} failed`);
  if (run.finished) {
    const f = run.finished;
    parts.unshift(`${f.status}${f.reason && f.reason !== f.status ? ` (${f.reason})` : ''}`);
    if (f.champion) parts.push(`champion ${f.champion}`);
    if (f.testScore !== null) parts.push(`test ${run.metric} ${formatScore(f.testScore)}`);
  }
  const line = parts.join(' · ');
  const width = 30;
  const filled = Math.round((value / max) * width);
  const text = `${run.name} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${line}`;
  const html =
    `<div class="beemind-progress" style="font-family: var(--jp-ui-font-family, sans-serif); font-size: 13px">` +
    `<progress value="${value}" max="${max}" style="width: 16em; vertical-align: middle"></progress> ` +
    `<b>${escapeHtml(run.name)}</b> · ${escapeHtml(line)}</div>`;
  return { [Symbol.for('beemind.display')]: () => ({ 'text/html': html, 'text/plain': text }) };
}

function formatScore(score: number): string {
  return Math.abs(score) >= 1000 ? score.toFixed(1) : score.toFixed(4);
}
