/**
 * This module contains the executor's session, the only place that holds state across cells: the converter
 * (whose declarations carry types from cell to cell), the cell scripts, display ids, comms and the cell in
 * flight. It runs a cell as: type-check and convert → run the script in the worker's global scope → show the
 * final value; and it turns an interrupt into an abort signal first and an abandoned cell second.
 */
import path from 'node:path';
import vm from 'node:vm';
import { randomUUID } from 'node:crypto';
import type {
  CompleteResult,
  ExecuteOutcome,
  ExecuteRequest,
  InspectResult,
  IsCompleteResult,
} from '../executor/executor.js';
import type { FromWorker } from '../executor/worker-protocol.js';
import type { Converter } from '../converter/converter.js';
import type { JsonObject } from '../protocol/messages.js';
import { CommManager } from '../comm/comms.js';
import { INTERRUPT_SIGNAL } from 'beemind/protocol';
import { DISPLAY, toBundle } from '../display/mime.js';
import { runNpm, splitMagics } from '../packages/npm-magic.js';
import { OutputChannel } from './output.js';
import { errorContent, ScriptRegistry } from './traceback.js';

/** How long an interrupted cell may take to wind down (an AutoML run returns its partial result). */
const GRACE_MS = 500;
/** While a run is active the library is given longer to stop and hand back the drones evaluated so far. */
const RUN_GRACE_MS = 5000;

/** The interrupt signal of the running cell, for libraries that cannot be handed one (see docs/protocol.md). */
export { INTERRUPT_SIGNAL };

interface ActiveCell {
  token: number;
  controller: AbortController;
  interrupted: boolean;
  settled: boolean;
  grace?: ReturnType<typeof setTimeout>;
  finish(outcome: ExecuteOutcome): void;
}

export interface DisplayOptions {
  id?: string;
  metadata?: Record<string, unknown>;
}

export class Session {
  readonly output: OutputChannel;
  readonly comms: CommManager;
  readonly scripts = new ScriptRegistry();
  /** AutoML runs in flight (from the progress display): an interrupt waits longer for them to stop. */
  activeRuns = 0;
  executionCount = 0;
  private active: ActiveCell | undefined;
  /** Cells received but waiting for the compiler; an interrupt meanwhile cancels them. */
  private waiting = 0;
  private interruptWaiting = false;
  private readonly idleController = new AbortController();
  private payload: JsonObject[] = [];
  private scriptSequence = 0;

  constructor(
    private readonly post: (message: FromWorker) => void,
    readonly directory: string,
    private readonly converter: Promise<Converter>,
  ) {
    this.output = new OutputChannel(post);
    this.comms = new CommManager({
      emit: (output) => this.output.emit(output),
      reportError: (context, error) => this.reportError(`Error in ${context}`, error),
    });
  }

  /** The abort signal of the running cell (a never-aborted one between cells). */
  get signal(): AbortSignal {
    return (this.active?.controller ?? this.idleController).signal;
  }

  async execute(token: number, request: ExecuteRequest): Promise<ExecuteOutcome> {
    this.waiting += 1;
    let converter: Converter;
    try {
      converter = await this.converter;
    } finally {
      this.waiting -= 1;
    }
    if (this.interruptWaiting) {
      this.interruptWaiting = this.waiting > 0;
      return interruptedOutcome();
    }
    this.output.flush();
    this.output.token = token;
    this.output.muted = request.silent;
    this.payload = [];
    if (request.storeHistory) this.executionCount = request.executionCount;
    let finish!: (outcome: ExecuteOutcome) => void;
    const done = new Promise<ExecuteOutcome>((resolve) => (finish = resolve));
    const cell: ActiveCell = {
      token,
      controller: new AbortController(),
      interrupted: false,
      settled: false,
      finish: (outcome) => {
        if (cell.settled) return;
        cell.settled = true;
        finish(outcome);
      },
    };
    this.active = cell;
    (globalThis as Record<symbol, unknown>)[INTERRUPT_SIGNAL] = cell.controller.signal;
    // The cell runs in its own microtask: if an interrupt terminates its JavaScript, only that task unwinds,
    // and this function, already waiting on `done`, still returns the interrupted outcome.
    queueMicrotask(() => void this.run(converter, request, cell));
    try {
      return await done;
    } finally {
      if (cell.grace) clearTimeout(cell.grace);
      if (this.active === cell) this.active = undefined;
      (globalThis as Record<symbol, unknown>)[INTERRUPT_SIGNAL] = this.idleController.signal;
      this.output.flush();
      this.output.muted = false;
    }
  }

  private async run(converter: Converter, request: ExecuteRequest, cell: ActiveCell): Promise<void> {
    const label = request.storeHistory ? `cell[${request.executionCount}]` : 'cell';
    try {
      const { commands, code } = splitMagics(request.code);
      for (const args of commands) {
        const status = await runNpm(args, {
          cwd: this.directory,
          write: (stream, text) => this.output.write(stream, text),
          signal: cell.controller.signal,
        });
        converter.packagesChanged();
        if (status !== 0) {
          const evalue = `'npm ${args.join(' ')}' failed with exit code ${status} (its output is above); the rest of the cell was not run.`;
          return cell.finish({
            status: 'error',
            interrupted: false,
            ename: 'NpmError',
            evalue,
            traceback: [`NpmError: ${evalue}`],
          });
        }
      }
      if (commands.length > 0 && code.trim() === '') {
        return cell.finish({ status: 'ok', payload: this.payload, userExpressions: {} });
      }
      const value = await this.evaluate(converter, code, label);
      if ('error' in value) return cell.finish({ status: 'error', interrupted: false, ...value.error });
      let resultText: string | undefined;
      const bundle =
        value.result === undefined || request.silent || cell.settled ? undefined : toBundle(value.result);
      if (bundle) {
        this.output.emit({
          msgType: 'execute_result',
          content: { execution_count: request.executionCount, data: bundle.data, metadata: bundle.metadata },
        });
        resultText = bundle.data['text/plain'] as string;
      }
      const userExpressions: JsonObject = {};
      for (const [name, expression] of Object.entries(request.userExpressions)) {
        userExpressions[name] = await this.userExpression(converter, expression);
      }
      cell.finish({ status: 'ok', payload: this.payload, userExpressions, resultText });
    } catch (error) {
      cell.finish(
        cell.interrupted
          ? interruptedOutcome()
          : { status: 'error', interrupted: false, ...errorContent(error, this.scripts) },
      );
    }
  }

  /** Type-checks, converts and runs code; resolves with the final expression's value. */
  private async evaluate(
    converter: Converter,
    code: string,
    label: string,
  ): Promise<{ result: unknown } | { error: ReturnType<typeof errorContent> }> {
    const compiled = this.protect(() => converter.compile(code, label));
    if (!compiled.ok) return { error: compiled.error };
    const filename = path.join(this.directory, `__beemind_cell_${++this.scriptSequence}__.js`);
    this.scripts.register(filename, label, compiled.compiled.js, compiled.compiled.sourceMap);
    const script = new vm.Script(compiled.compiled.js, {
      filename,
      // Dynamic import() resolves from the notebook's directory, as a module file there would.
      importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
    });
    return { result: await (script.runInThisContext() as Promise<unknown>) };
  }

  /** Runs kernel code that an interrupt must wait for rather than terminate. */
  protect<T>(fn: () => T): T {
    this.post({ kind: 'protected', on: true });
    try {
      return fn();
    } finally {
      this.post({ kind: 'protected', on: false });
    }
  }

  /** The same for asynchronous kernel work. */
  async protectAsync<T>(fn: () => Promise<T>): Promise<T> {
    this.post({ kind: 'protected', on: true });
    try {
      return await fn();
    } finally {
      this.post({ kind: 'protected', on: false });
    }
  }

  private async userExpression(converter: Converter, expression: string): Promise<JsonObject> {
    try {
      const value = await this.evaluate(converter, expression, 'user expression');
      if ('error' in value) return { status: 'error', ...value.error };
      return { status: 'ok', ...(toBundle(value.result) ?? { data: {}, metadata: {} }) };
    } catch (error) {
      return { status: 'error', ...errorContent(error, this.scripts) };
    }
  }

  /** Aborts the running cell's signal; a cell that has not finished after the grace period is abandoned. */
  interrupt(hard: boolean): void {
    const cell = this.active;
    if (!cell || cell.settled) {
      if (this.waiting > 0) this.interruptWaiting = true;
      return;
    }
    if (!cell.interrupted) {
      cell.interrupted = true;
      cell.controller.abort(new DOMException('The cell was interrupted', 'AbortError'));
    }
    if (hard) cell.finish(interruptedOutcome());
    else
      cell.grace ??= setTimeout(
        () => cell.finish(interruptedOutcome()),
        this.activeRuns > 0 ? RUN_GRACE_MS : GRACE_MS,
      );
  }

  async complete(code: string, cursorPos: number): Promise<CompleteResult> {
    return (await this.converter).complete(code, cursorPos);
  }

  async inspect(code: string, cursorPos: number, detailLevel: number): Promise<InspectResult> {
    return (await this.converter).inspect(code, cursorPos, detailLevel);
  }

  async isComplete(code: string): Promise<IsCompleteResult> {
    return (await this.converter).isComplete(code);
  }

  display(value: unknown, options: DisplayOptions = {}): DisplayHandle {
    const id = options.id ?? randomUUID();
    const show = (
      type: 'display_data' | 'update_display_data',
      v: unknown,
      metadata?: Record<string, unknown>,
    ) => {
      const bundle = toBundle(v);
      if (!bundle) return;
      this.output.emit({
        msgType: type,
        content: {
          data: bundle.data,
          metadata: { ...bundle.metadata, ...metadata },
          transient: { display_id: id },
        },
      });
    };
    show('display_data', value, options.metadata);
    return new DisplayHandle(id, (v, metadata) => show('update_display_data', v, metadata));
  }

  clearOutput(wait = false): void {
    this.output.emit({ msgType: 'clear_output', content: { wait } });
  }

  page(content: unknown): void {
    const data = typeof content === 'string' ? { 'text/plain': content } : (content as JsonObject);
    this.payload.push({ source: 'page', data, start: 0 });
  }

  /** Reports an error that happened outside a cell's own flow (timer, callback, comm handler) on stderr. */
  reportError(context: string, error: unknown): void {
    const { traceback } = errorContent(error, this.scripts);
    this.output.write('stderr', `${context}:\n${traceback.join('\n')}\n`);
  }
}

/** What display() returns: updates the shown value in place; shows nothing itself as a cell result. */
export class DisplayHandle {
  constructor(
    readonly id: string,
    private readonly show: (value: unknown, metadata?: Record<string, unknown>) => void,
  ) {}

  update(value: unknown, options?: { metadata?: Record<string, unknown> }): void {
    this.show(value, options?.metadata);
  }

  [DISPLAY](): null {
    return null;
  }
}

function interruptedOutcome(): ExecuteOutcome {
  return {
    status: 'error',
    interrupted: true,
    ename: 'Interrupted',
    evalue: 'the cell was interrupted',
    traceback: [
      '\x1b[31m\x1b[1mInterrupted\x1b[0m: the cell was interrupted (its pending callbacks may still run)',
    ],
  };
}
