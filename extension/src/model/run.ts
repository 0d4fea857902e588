/**
 * This module contains RunState: one search run as the panels see it, folded event by event from the run
 * event stream (run.started, drone.evaluated, generation.completed, importance.computed, run.finished).
 * It holds no DOM and no kernel: it is plain data with a version number that views use as a cache key.
 */
import type {
  Drone,
  GenerationCompleted,
  ImportanceComputed,
  RunEvent,
  RunFinished,
  RunStarted,
} from 'beemind/events';
import type { ConfusionMatrix, ExplainSource, RowExplanation } from '../protocol.js';

export class RunState {
  started: RunStarted | null = null;
  finished: RunFinished | null = null;
  /** Drones in the order they were first evaluated; a re-evaluated drone (successive halving) is replaced in place. */
  readonly drones: Drone[] = [];
  readonly generations = new Map<number, GenerationCompleted>();
  readonly importance = new Map<string, ImportanceComputed>();
  readonly confusion = new Map<string, ConfusionMatrix>();
  /** One row's attributions per drone, by explanationKey(droneId, source, row). */
  readonly explanations = new Map<string, RowExplanation>();
  /** How many rows each source of the "why" view has, as the kernel last said (unknown until it answered). */
  readonly rowCounts = new Map<ExplainSource, number>();
  /** Ids on the Pareto front of the run's objectives, from the latest generation.completed. */
  pareto: ReadonlySet<string> = new Set();
  /** Bumped on every change; views compare it to skip work. */
  version = 0;
  private readonly index = new Map<string, number>();
  private best: Drone | null = null;

  constructor(readonly runId: string) {}

  get name(): string {
    return this.started?.name ?? this.runId;
  }

  get metric(): string {
    return this.started?.metric ?? 'score';
  }

  /** Whether a larger primary metric is better (from the score objective's direction; true until known). */
  get greaterIsBetter(): boolean {
    const objectives = this.started?.objectives ?? [];
    const primary = objectives.find((o) => o.name === this.metric) ?? objectives[0];
    return primary ? primary.direction === 'maximize' : true;
  }

  get task(): 'classification' | 'regression' | null {
    return this.started?.dataset.task ?? null;
  }

  get isLive(): boolean {
    return this.finished === null;
  }

  /** The champion once the run finished, the best drone so far before that. */
  get championId(): string | null {
    return this.finished ? this.finished.championId : (this.best?.id ?? null);
  }

  /** The drones behind the champion: the ensemble's members, or the champion drone itself. */
  get championMembers(): string[] {
    const id = this.championId;
    if (id === null) return [];
    if (this.drone(id)) return [id];
    return this.finished?.ensemble?.members.map((m) => m.id) ?? [];
  }

  get bestDrone(): Drone | null {
    return this.best;
  }

  drone(id: string): Drone | undefined {
    const i = this.index.get(id);
    return i === undefined ? undefined : this.drones[i];
  }

  indexOf(id: string): number {
    return this.index.get(id) ?? -1;
  }

  /** Whether `a` is a strictly better score than `b` for this run's metric. */
  better(a: number, b: number): boolean {
    return this.greaterIsBetter ? a > b : a < b;
  }

  /** Folds one event of this run; returns whether anything changed. */
  fold(event: RunEvent): boolean {
    switch (event.type) {
      case 'run.started':
        this.started = event;
        break;
      case 'drone.evaluated':
        this.addDrone(event.drone);
        break;
      case 'generation.completed':
        this.generations.set(event.generation, event);
        this.pareto = new Set(event.paretoIds);
        break;
      case 'importance.computed':
        this.importance.set(event.droneId, event);
        break;
      case 'run.finished':
        this.finished = event;
        break;
      default:
        return false;
    }
    this.version++;
    return true;
  }

  setConfusion(droneId: string, value: ConfusionMatrix): void {
    this.confusion.set(droneId, value);
    this.version++;
  }

  setExplanation(value: RowExplanation): void {
    this.explanations.set(explanationKey(value.droneId, value.source, value.row), value);
    this.rowCounts.set(value.source, value.rowCount);
    this.version++;
  }

  /** Forgets the explanations of one source (the rows a cell sent may have changed since). */
  forgetExplanations(source: ExplainSource): void {
    for (const [k, v] of this.explanations) if (v.source === source) this.explanations.delete(k);
    this.rowCounts.delete(source);
    this.version++;
  }

  explanation(droneId: string, source: ExplainSource, row: number): RowExplanation | undefined {
    return this.explanations.get(explanationKey(droneId, source, row));
  }

  private addDrone(drone: Drone): void {
    const at = this.index.get(drone.id);
    if (at === undefined) {
      this.index.set(drone.id, this.drones.length);
      this.drones.push(drone);
    } else {
      this.drones[at] = drone;
      // The best drone was re-evaluated (e.g. on more rows): its new score may no longer be the best.
      if (this.best?.id === drone.id) {
        this.best = this.recomputeBest();
        return;
      }
    }
    if (drone.status === 'ok' && drone.score !== null && Number.isFinite(drone.score)) {
      if (!this.best || this.better(drone.score, this.best.score!)) this.best = drone;
    }
  }

  private recomputeBest(): Drone | null {
    let best: Drone | null = null;
    for (const d of this.drones) {
      if (d.status !== 'ok' || d.score === null || !Number.isFinite(d.score)) continue;
      if (!best || this.better(d.score, best.score!)) best = d;
    }
    return best;
  }
}

export function explanationKey(droneId: string, source: ExplainSource, row: number): string {
  return `${droneId}\u0000${source}\u0000${row}`;
}
