/**
 * This module contains FoldedRun: one run as its event stream tells it (run.started, drone.evaluated,
 * generation.completed, importance.computed, run.finished), folded event by event. It is the one reading of
 * the stream that the panels, the kernel's progress bar in a cell and the terminal's progress bar share: plain
 * data with a version number that views use as a cache key, no DOM, no kernel, no terminal.
 */
import type {
  Drone,
  GenerationCompleted,
  ImportanceComputed,
  RunEvent,
  RunFinished,
  RunStarted,
} from './events.js';

export class FoldedRun {
  started: RunStarted | null = null;
  finished: RunFinished | null = null;
  /** Drones in the order they were first evaluated; a drone told again (a replayed history) is replaced in place. */
  readonly drones: Drone[] = [];
  readonly generations = new Map<number, GenerationCompleted>();
  readonly importance = new Map<string, ImportanceComputed>();
  /** Ids on the Pareto front of the run's objectives, from the latest generation.completed. */
  pareto: ReadonlySet<string> = new Set();
  /** The latest generation seen, from its drones or its generation.completed. */
  generation = 0;
  /** Bumped on every change; views compare it to skip work. */
  version = 0;
  private readonly index = new Map<string, number>();
  private best: Drone | null = null;

  constructor(readonly runId: string) {}

  get name(): string {
    return this.started?.name ?? this.runId;
  }

  /** Who started the run; null in runs recorded before stores were shared (or with an empty name). */
  get user(): string | null {
    return this.started?.user || null;
  }

  /** The project the run belongs to; null in runs recorded before stores were shared (or with an empty name). */
  get project(): string | null {
    return this.started?.project || null;
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

  /** The run's limits as its options gave them (for sizing a progress bar). */
  get budget(): { evaluations?: number; seconds?: number } {
    const budget = (this.started?.config as { budget?: unknown } | undefined)?.budget;
    if (typeof budget !== 'object' || budget === null) return {};
    const { evaluations, seconds } = budget as Record<string, unknown>;
    return {
      ...(typeof evaluations === 'number' ? { evaluations } : {}),
      ...(typeof seconds === 'number' ? { seconds } : {}),
    };
  }

  /** Drones evaluated so far (the run's own count once it finished). */
  get evaluated(): number {
    return this.finished?.evaluated ?? this.drones.length;
  }

  /** Drones that failed or ran out of time (pruned drones did not fail: they were scored on fewer rows). */
  get failed(): number {
    return this.drones.filter((d) => d.status === 'failed' || d.status === 'timeout').length;
  }

  /** The champion once the run finished, the best drone so far before that. */
  get championId(): string | null {
    return this.finished ? this.finished.championId : (this.best?.id ?? null);
  }

  /** The drones behind the champion: the ensemble's or stack's members, or the champion drone itself. */
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
        this.generation = Math.max(this.generation, event.drone.generation);
        break;
      case 'generation.completed':
        this.generations.set(event.generation, event);
        this.pareto = new Set(event.paretoIds);
        this.generation = Math.max(this.generation, event.generation);
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

  private addDrone(drone: Drone): void {
    const at = this.index.get(drone.id);
    if (at === undefined) {
      this.index.set(drone.id, this.drones.length);
      this.drones.push(drone);
    } else {
      this.drones[at] = drone;
      // The best drone was told again: its new score may no longer be the best.
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
