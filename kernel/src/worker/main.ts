/**
 * This module is the entry point of the executor worker thread: it loads the compiler in the background,
 * installs the cell globals and serves the calls of the main thread (see executor/worker-protocol.ts).
 *
 * The AutoML library (whose events feed the `beemind` comm and the progress bars) is loaded from the copy a
 * cell would import. A copy in the notebook's folder (or a folder above) runs only when a cell imports
 * `beemind`: the kernel itself runs no code of that folder before a cell does. The copy installed with the
 * kernel, which is not the folder's code, still loads during start-up after the compiler's warm-up, while the
 * client connects (loading it in the first cell instead made that cell slower). Either way, a cell's import of
 * `beemind` resolves only once the progress bars and the open comms follow the library, so the cell's own
 * `evolve` shows its progress. Opening the comm never loads the library by itself.
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

// The compiler loads in the background; cells wait for it, so no cell's code runs while it loads, and an
// interrupt never terminates this work (see the `protected` message).
let resolveConverter!: (c: Converter) => void;
let rejectConverter!: (error: unknown) => void;
const converter = new Promise<Converter>((resolve, reject) => {
  resolveConverter = resolve;
  rejectConverter = reject;
});
// Packages come from the notebook's folder upward, then from the kernel's own (see packages/locate.ts).
const packages = new PackageLocator(directory);
const importer = new Importer(packages);
const session = new Session(post, directory, converter);
const progress = new RunProgress({ show: (value, id) => session.display(value, { id }) }, (active) => {
  session.activeRuns = active;
  post({ kind: 'runs', active });
});

let library: Promise<RunEventSource> | undefined;
let loadStarted!: (load: Promise<RunEventSource>) => void;
/** The library's load, once one has started (during start-up or in a cell's import). */
const started = new Promise<Promise<RunEventSource>>((resolve) => (loadStarted = resolve));
/** Loads the library once (the copy a cell gets), then attaches the progress bars and the open comms to it. */
const loadLibrary = (): Promise<RunEventSource> => {
  if (!library) {
    library = session
      .protectAsync(() => loadLibrarySource({ import: (specifier) => importer.importDirect(specifier) }))
      .then((source) => {
        progress.attach(source);
        bridge.libraryLoaded(source);
        return source;
      });
    loadStarted(library);
  }
  return library;
};
const noLibrary = (error: unknown) =>
  logger.info({ err: error }, 'no beemind run event hub: AutoML progress and panels are off');
/** What a frontend opening the `beemind` comm gets: the library once loaded, never a load of the folder's copy. */
const libraryForComms = (): Promise<RunEventSource> =>
  library || packages.isKernelCopy('beemind')
    ? started.then((load) => load)
    : Promise.reject(
        new Error(
          "this notebook's folder has its own beemind package, which the kernel runs only when a cell imports it",
        ),
      );
const bridge = new BeeMindBridge(libraryForComms);
bridge.register(session.comms);
// A cell importing beemind loads it; the hook attaches the progress bars and comms before the cell goes on.
importer.hook('beemind', async (load) => {
  const module = await load();
  await loadLibrary().catch(noLibrary);
  return module;
});

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
    // the copy of beemind installed with the kernel runs no code of the notebook's folder: it loads now
    if (packages.isKernelCopy('beemind')) await loadLibrary().catch(noLibrary);
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
      // Everything the comm's handlers output, after their awaits too, has the comm message as parent.
      return session.output.within(call.token, async () => {
        if (call.kind === 'commOpen') {
          const r = call.request;
          await session.comms.handleOpen(r.commId, r.targetName, r);
        } else if (call.kind === 'commMsg') await session.comms.handleMsg(call.message.commId, call.message);
        else session.comms.handleClose(call.message.commId, call.message);
      });
  }
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
