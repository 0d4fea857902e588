/**
 * This module contains the live progress display of AutoML runs: on `run.started` it shows a progress bar in
 * the running cell, then updates it in place (update_display_data through the display id, throttled) as
 * drones are evaluated, until `run.finished`. What it shows is the run as FoldedRun reads its events (the
 * reading the panels and the terminal's bar share); an event that is not a valid run event is ignored.
 */
import { DISPLAY, escapeHtml, FoldedRun, RunEventSchema, type RunStarted } from 'beemind/protocol';
import type { RunEventSource } from '../comm/run-source.js';

const UPDATE_MS = 250;

export interface ProgressDisplay {
  show(value: unknown, id: string): { update(value: unknown): void };
}

/** One run's bar: its folded events, and when it was last drawn. */
interface ShownRun {
  run: FoldedRun;
  startedAt: number;
  handle: { update(value: unknown): void };
  timer?: ReturnType<typeof setTimeout>;
  lastUpdate: number;
}

export class RunProgress {
  private readonly runs = new Map<string, ShownRun>();

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
    for (const shown of this.runs.values()) if (shown.run.isLive) n++;
    return n;
  }

  onEvent(raw: unknown): void {
    const parsed = RunEventSchema.safeParse(raw);
    if (!parsed.success) return;
    const event = parsed.data;
    if (event.type === 'run.started') return this.start(event);
    const shown = this.runs.get(event.runId);
    if (!shown || !shown.run.fold(event)) return;
    if (event.type === 'run.finished') {
      this.onActive(this.active);
      return this.render(shown, true);
    }
    this.render(shown, false);
  }

  private start(event: RunStarted): void {
    const runId = event.runId;
    const run = new FoldedRun(runId);
    run.fold(event);
    const shown: ShownRun = {
      run,
      startedAt: Date.now(),
      handle: { update: () => undefined },
      lastUpdate: 0,
    };
    this.runs.set(runId, shown);
    shown.handle = this.display.show(progressBundle(shown), `beemind-run-${runId}`);
    shown.lastUpdate = Date.now();
    this.onActive(this.active);
  }

  private render(shown: ShownRun, now: boolean): void {
    const due = shown.lastUpdate + UPDATE_MS - Date.now();
    if (!now && due > 0) {
      shown.timer ??= setTimeout(() => this.render(shown, true), due);
      return;
    }
    if (shown.timer) clearTimeout(shown.timer);
    shown.timer = undefined;
    shown.lastUpdate = Date.now();
    shown.handle.update(progressBundle(shown));
  }
}

/** The progress bar as a displayable value (HTML with a text twin). */
function progressBundle({ run, startedAt }: ShownRun): { [DISPLAY]: () => Record<string, string> } {
  const finished = run.finished;
  const elapsed = finished ? finished.elapsedSeconds : (Date.now() - startedAt) / 1000;
  const { evaluations, seconds } = run.budget;
  const max = evaluations ?? seconds ?? 1;
  const value = finished
    ? max
    : evaluations
      ? Math.min(run.evaluated, max)
      : seconds
        ? Math.min(elapsed, max)
        : 0;
  const best = run.bestDrone;
  const parts = [
    `${run.evaluated}${evaluations ? `/${evaluations}` : ''} ${run.evaluated === 1 && !evaluations ? 'drone' : 'drones'}`,
    `generation ${run.generation}`,
    best && best.score !== null
      ? `best ${run.metric} ${formatScore(best.score)} (${best.family})`
      : `no ${run.metric} yet`,
    `${elapsed.toFixed(1)} s`,
  ];
  if (run.failed > 0) parts.push(`${run.failed} failed`);
  if (finished) {
    parts.unshift(
      `${finished.status}${finished.reason && finished.reason !== finished.status ? ` (${finished.reason})` : ''}`,
    );
    if (finished.championId) parts.push(`champion ${finished.championId}`);
    if (finished.testScore !== null) parts.push(`test ${run.metric} ${formatScore(finished.testScore)}`);
  }
  const line = parts.join(' · ');
  const width = 30;
  const filled = Math.round((value / max) * width);
  const text = `${run.name} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${line}`;
  const html =
    `<div class="beemind-progress" style="font-family: var(--jp-ui-font-family, sans-serif); font-size: 13px">` +
    `<progress value="${value}" max="${max}" style="width: 16em; vertical-align: middle"></progress> ` +
    `<b>${escapeHtml(run.name)}</b> · ${escapeHtml(line)}</div>`;
  return { [DISPLAY]: () => ({ 'text/html': html, 'text/plain': text }) };
}

function formatScore(score: number): string {
  return Math.abs(score) >= 1000 ? score.toFixed(1) : score.toFixed(4);
}
