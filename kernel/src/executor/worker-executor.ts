/**
 * This module contains the Executor that runs the session in a worker thread, so the main thread keeps
 * answering heartbeats, kernel_info and interrupts while a cell runs. An interrupt is first a message (the
 * cell's abort signal fires); if the worker does not answer quickly because JavaScript is busy, its execution
 * is terminated through the inspector, which ends a synchronous loop without losing the session's state.
 */
import { Session as InspectorSession } from 'node:inspector';
import { Worker } from 'node:worker_threads';
import { KernelProtocolError } from '../errors.js';
import { logger } from '../log.js';
import type { OutputSink } from '../protocol/messages.js';
import type {
  CommMessage,
  CommOpenRequest,
  CompleteResult,
  ExecuteOutcome,
  ExecuteRequest,
  Executor,
  InspectResult,
  IsCompleteResult,
} from './executor.js';
import type { FromWorker, ToWorker, WorkerCall, WorkerData } from './worker-protocol.js';

/** How long a responsive worker takes to acknowledge an interrupt before its JavaScript is terminated. */
const ACK_TIMEOUT_MS = 250;
/** The same while an AutoML run is in flight: a drone fitted in-thread gets the chance to finish and stop cleanly. */
const RUN_ACK_TIMEOUT_MS = 900;
/** Sinks remembered for late outputs (a timer printing after its cell ended). */
const REMEMBERED_SINKS = 64;
/** Young-generation size of the worker: the type checker allocates a lot of short-lived objects. */
const YOUNG_GENERATION_MB = 128;

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
}

export interface WorkerExecutorOptions {
  /** The notebook's directory (the kernel's working directory). */
  directory: string;
  /** Called when the worker died and a fresh one (with empty state) replaced it. */
  onRestart?: (reason: string) => void;
  /** The worker's entry module (tests use a stand-in). */
  entry?: URL;
}

export class WorkerExecutor implements Executor {
  private worker!: Worker;
  private inspector: InspectorSession | undefined;
  private workerSession: string | undefined;
  private readonly pending = new Map<number, Pending>();
  private readonly sinks = new Map<number, OutputSink>();
  private lastSink: OutputSink | undefined;
  private nextId = 1;
  private nextToken = 1;
  private ackWaiter: (() => void) | undefined;
  private stopping = false;
  private activeRuns = 0;
  private protectedDepth = 0;

  constructor(private readonly options: WorkerExecutorOptions) {
    this.spawn();
  }

  private spawn(): void {
    const data: WorkerData = { directory: this.options.directory };
    const worker = new Worker(this.options.entry ?? new URL('../worker/main.js', import.meta.url), {
      workerData: data,
      stdout: false,
      stderr: false,
      resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB },
      // A terminated timer or promise callback leaves Node's async-context stack unbalanced, which its
      // consistency check turns into a process abort; without the check the thread carries on.
      execArgv: ['--no-force-async-hooks-checks'],
    });
    this.worker = worker;
    this.workerSession = undefined;
    this.activeRuns = 0;
    this.protectedDepth = 0;
    worker.on('message', (message: FromWorker) => this.onMessage(message));
    worker.on('error', (error) => logger.error({ err: error }, 'executor worker error'));
    worker.on('exit', (code) => this.onExit(worker, code));
    this.attachInspector();
  }

  /** Attaches to the worker's inspector target, the one way to stop a synchronous loop in another thread. */
  private attachInspector(): void {
    try {
      if (!this.inspector) {
        this.inspector = new InspectorSession();
        this.inspector.connect();
        this.inspector.on('NodeWorker.attachedToWorker', (message) => {
          const params = message.params as { sessionId: string; workerInfo: { workerId: string } };
          if (params.workerInfo.workerId === String(this.worker.threadId))
            this.workerSession = params.sessionId;
        });
        this.inspector.post('NodeWorker.enable', { waitForDebuggerOnStart: false });
      }
    } catch (error) {
      logger.warn({ err: error }, 'no inspector: interrupts cannot stop synchronous loops');
    }
  }

  private onMessage(message: FromWorker): void {
    switch (message.kind) {
      case 'output': {
        const sink = this.sinks.get(message.token) ?? this.lastSink;
        sink?.(message.output);
        return;
      }
      case 'reply': {
        const pending = this.pending.get(message.id);
        this.pending.delete(message.id);
        if (message.ok) pending?.resolve(message.value);
        else pending?.reject(new Error(message.message));
        return;
      }
      case 'interrupt-ack':
        this.ackWaiter?.();
        return;
      case 'runs':
        this.activeRuns = message.active;
        return;
      case 'protected':
        this.protectedDepth = Math.max(0, this.protectedDepth + (message.on ? 1 : -1));
        return;
      case 'ready':
        logger.debug('executor ready');
    }
  }

  private onExit(worker: Worker, code: number): void {
    if (worker !== this.worker) return;
    for (const p of this.pending.values()) p.reject(new Error(`the executor stopped (exit code ${code})`));
    this.pending.clear();
    if (this.stopping) return;
    const reason = `The executor thread exited (code ${code}); a fresh one was started and earlier variables are gone.`;
    logger.error({ code }, 'executor worker exited; restarting');
    this.lastSink?.({ msgType: 'stream', content: { name: 'stderr', text: `${reason}\n` } });
    this.spawn();
    this.options.onRestart?.(reason);
  }

  /** Sends a call to the worker; a call that cannot be posted (e.g. data too deep to clone) is rejected at once. */
  private call<T>(call: WorkerCall): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      try {
        this.post({ kind: 'call', id, call });
      } catch (error) {
        this.pending.delete(id);
        reject(
          new KernelProtocolError(
            'executor.post_failed',
            `The ${call.kind} request could not be sent to the executor: ${(error as Error).message}`,
            { cause: error },
          ),
        );
      }
    });
  }

  private post(message: ToWorker): void {
    this.worker.postMessage(message);
  }

  /** A token that routes the worker's outputs for one request to its sink. */
  private register(sink: OutputSink): number {
    const token = this.nextToken++;
    this.sinks.set(token, sink);
    this.lastSink = sink;
    if (this.sinks.size > REMEMBERED_SINKS) this.sinks.delete(this.sinks.keys().next().value as number);
    return token;
  }

  execute(request: ExecuteRequest, sink: OutputSink): Promise<ExecuteOutcome> {
    return this.call({ kind: 'execute', token: this.register(sink), request });
  }

  complete(code: string, cursorPos: number): Promise<CompleteResult> {
    return this.call({ kind: 'complete', code, cursorPos });
  }

  inspect(code: string, cursorPos: number, detailLevel: number): Promise<InspectResult> {
    return this.call({ kind: 'inspect', code, cursorPos, detailLevel });
  }

  isComplete(code: string): Promise<IsCompleteResult> {
    return this.call({ kind: 'isComplete', code });
  }

  commOpen(request: CommOpenRequest, sink: OutputSink): Promise<void> {
    return this.call({ kind: 'commOpen', token: this.commToken(sink), request });
  }

  commMsg(message: CommMessage, sink: OutputSink): Promise<void> {
    return this.call({ kind: 'commMsg', token: this.commToken(sink), message });
  }

  commClose(message: CommMessage, sink: OutputSink): Promise<void> {
    return this.call({ kind: 'commClose', token: this.commToken(sink), message });
  }

  commInfo(targetName?: string): Promise<Record<string, { target_name: string }>> {
    return this.call({ kind: 'commInfo', targetName });
  }

  /** Comm messages get a token too, without becoming the fallback sink for late cell output. */
  private commToken(sink: OutputSink): number {
    const last = this.lastSink;
    const token = this.register(sink);
    this.lastSink = last ?? sink;
    return token;
  }

  async interrupt(): Promise<void> {
    const acknowledged = new Promise<boolean>((resolve) => {
      const timer = setTimeout(
        () => resolve(false),
        this.activeRuns > 0 ? RUN_ACK_TIMEOUT_MS : ACK_TIMEOUT_MS,
      );
      this.ackWaiter = () => {
        clearTimeout(timer);
        resolve(true);
      };
    });
    this.post({ kind: 'interrupt', hard: false });
    if (await acknowledged) return;
    // Busy in kernel code that must finish (compiler warm-up, a compile, the library loading): the worker
    // handles the interrupt message as soon as it is free.
    if (this.protectedDepth > 0) return;
    // The cell's JavaScript is busy: terminate the running execution (the isolate and its state survive).
    if (this.inspector && this.workerSession) {
      const message = JSON.stringify({ id: 1, method: 'Runtime.terminateExecution' });
      this.inspector.post('NodeWorker.sendMessageToWorker', { sessionId: this.workerSession, message });
      this.post({ kind: 'interrupt', hard: true });
    } else {
      logger.warn('the executor is busy and cannot be interrupted without an inspector');
    }
  }

  async shutdown(): Promise<void> {
    this.stopping = true;
    this.inspector?.disconnect();
    await this.worker.terminate();
  }
}
