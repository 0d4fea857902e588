/**
 * This module is the entry point of the executor worker thread: it loads the compiler in the background,
 * installs the cell globals and serves the calls of the main thread (see executor/worker-protocol.ts).
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { FromWorker, ToWorker, WorkerCall, WorkerData } from '../executor/worker-protocol.js';
import type { Converter } from '../converter/converter.js';
import { BeeMindBridge } from '../comm/beemind-bridge.js';
import { loadLibrarySource, type RunEventSource } from '../comm/run-source.js';
import { RunProgress } from '../display/progress.js';
import { logger } from '../log.js';
import { Importer } from '../packages/importer.js';
import { PackageLocator } from '../packages/locate.js';
import { installGlobals } from './globals.js';
import { Session } from './session.js';

const port = parentPort;
if (!port) throw new Error('worker/main.js runs as a worker thread of the kernel');
const { directory } = workerData as WorkerData;
const post = (message: FromWorker) => port.postMessage(message);

// The compiler and the AutoML library (whose events feed the `beemind` comm and the progress bars) load in
// the background; cells wait for them, so no cell's code runs while they load, and an interrupt never
// terminates this work (see the `protected` message). The library is optional.
let resolveConverter!: (c: Converter) => void;
let rejectConverter!: (error: unknown) => void;
const converter = new Promise<Converter>((resolve, reject) => {
  resolveConverter = resolve;
  rejectConverter = reject;
});
// Packages come from the notebook's folder upward, then from the kernel's own (see packages/locate.ts).
const packages = new PackageLocator(directory);
const importer = new Importer(packages);
let library: Promise<RunEventSource> | undefined;
const librarySource = () => (library ??= loadLibrarySource(importer));
const session = new Session(post, directory, converter);
const progress = new RunProgress({ show: (value, id) => session.display(value, { id }) }, (active) => {
  session.activeRuns = active;
  post({ kind: 'runs', active });
});
new BeeMindBridge(librarySource).register(session.comms);
session
  .protectAsync(async () => {
    const { Converter } = await import('../converter/converter.js');
    const c = new Converter(directory, packages);
    c.compile(
      'const __beemind_warmup__: number[] = [1, 2].map((x) => x + 1);\n__beemind_warmup__.length',
      'warm-up',
    );
    // the first kernel on this machine leaves a code cache of the compiler for the next ones
    (await import('../converter/typescript-loader.cjs')).saveTypeScriptCodeCache();
    await librarySource().then(
      (source) => progress.attach(source),
      (error: unknown) =>
        logger.info({ err: error }, 'no beemind library: AutoML progress and panels are off'),
    );
    return c;
  })
  .then(resolveConverter, rejectConverter);
installGlobals(session, importer);

async function serve(call: WorkerCall): Promise<unknown> {
  switch (call.kind) {
    case 'execute':
      return session.execute(call.token, call.request);
    case 'complete':
      return session.complete(call.code, call.cursorPos);
    case 'inspect':
      return session.inspect(call.code, call.cursorPos, call.detailLevel);
    case 'isComplete':
      return session.isComplete(call.code);
    case 'commInfo':
      return session.comms.info(call.targetName);
    case 'commOpen':
    case 'commMsg':
    case 'commClose':
      return withToken(call.token, async () => {
        if (call.kind === 'commOpen') {
          const r = call.request;
          await session.comms.handleOpen(r.commId, r.targetName, r);
        } else if (call.kind === 'commMsg') await session.comms.handleMsg(call.message.commId, call.message);
        else session.comms.handleClose(call.message.commId, call.message);
      });
  }
}

/**
 * Runs a comm handler with the outputs of its synchronous part attributed to the comm message; the running
 * cell's token is restored before the handler's first await.
 */
async function withToken(token: number, fn: () => Promise<void>): Promise<void> {
  const previous = session.output.token;
  session.output.flush();
  session.output.token = token;
  let pending: Promise<void>;
  try {
    pending = fn();
  } finally {
    session.output.flush();
    session.output.token = previous;
  }
  await pending;
}

port.on('message', (message: ToWorker) => {
  if (message.kind === 'interrupt') {
    post({ kind: 'interrupt-ack' });
    session.interrupt(message.hard);
    return;
  }
  serve(message.call).then(
    (value) => post({ kind: 'reply', id: message.id, ok: true, value }),
    (error: unknown) =>
      post({
        kind: 'reply',
        id: message.id,
        ok: false,
        message: error instanceof Error ? (error.stack ?? error.message) : String(error),
      }),
  );
});

void converter.then(
  () => post({ kind: 'ready' }),
  (error: unknown) => session.reportError('The TypeScript compiler failed to load', error),
);
