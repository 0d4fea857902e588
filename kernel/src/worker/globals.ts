/**
 * This module contains what the executor installs in its thread's global scope: the cell-visible helpers
 * (`display`, `clearOutput`, `kernel`; typed in converter/prelude.ts), the importer cells' imports call, stdout/stderr capture into the output
 * channel, and the safety nets that keep an exception in a timer or callback from killing the kernel.
 */
import { Displayable, vegaLiteBundle, type MimeData } from '../display/mime.js';
import { IMPORT_FUNCTION, type Importer } from '../packages/importer.js';
import type { Session } from './session.js';

export function installGlobals(session: Session, importer: Importer): void {
  const display = Object.assign(
    (value: unknown, options?: { id?: string; metadata?: Record<string, unknown> }) =>
      session.display(value, options),
    {
      html: (html: string) => new Displayable({ 'text/html': String(html), 'text/plain': '<HTML>' }),
      markdown: (markdown: string) =>
        new Displayable({ 'text/markdown': String(markdown), 'text/plain': String(markdown) }),
      svg: (svg: string) => new Displayable({ 'image/svg+xml': String(svg), 'text/plain': '<SVG image>' }),
      latex: (latex: string) => new Displayable({ 'text/latex': String(latex), 'text/plain': String(latex) }),
      json: (value: unknown) =>
        new Displayable({
          'application/json': value as object,
          'text/plain': JSON.stringify(value, null, 2),
        }),
      vegaLite: (spec: object) =>
        new Displayable(
          vegaLiteBundle({ $schema: 'https://vega.github.io/schema/vega-lite/v5.json', ...spec }),
        ),
      mime: (bundle: MimeData) => new Displayable({ ...bundle }),
    },
  );
  const clearOutput = (wait?: boolean) => session.clearOutput(wait === true);
  const kernel = Object.freeze({
    get comms() {
      return session.comms;
    },
    get signal() {
      return session.signal;
    },
    get executionCount() {
      return session.executionCount;
    },
    display,
    clearOutput,
    page: (content: string | MimeData) => session.page(content),
  });
  const importModule = (specifier: string, options?: ImportCallOptions) =>
    importer.import(specifier, options);
  for (const [name, value] of Object.entries({
    display,
    clearOutput,
    kernel,
    [IMPORT_FUNCTION]: importModule,
  })) {
    Object.defineProperty(globalThis, name, { value, writable: true, configurable: true, enumerable: false });
  }

  // Everything written to the thread's stdout/stderr (console.*, process.stdout.write) becomes cell output.
  for (const name of ['stdout', 'stderr'] as const) {
    const stream = process[name];
    stream.write = ((chunk: unknown, encoding?: unknown, callback?: unknown) => {
      const text =
        typeof chunk === 'string'
          ? chunk
          : Buffer.from(chunk as Uint8Array).toString(
              typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8',
            );
      session.output.write(name, text);
      const done = typeof encoding === 'function' ? encoding : callback;
      if (typeof done === 'function') queueMicrotask(done as () => void);
      return true;
    }) as typeof stream.write;
  }

  process.on('uncaughtException', (error) =>
    session.reportError('Uncaught exception (the kernel keeps running)', error),
  );
  process.on('unhandledRejection', (reason) =>
    session.reportError('Unhandled promise rejection (the kernel keeps running)', reason),
  );

  // Node prints warnings on stderr; the dynamic-import loader of cell scripts is experimental by design here.
  process.removeAllListeners('warning');
  process.on('warning', (warning) => {
    if (warning.name === 'ExperimentalWarning' && /USE_MAIN_CONTEXT_DEFAULT_LOADER/.test(warning.message))
      return;
    session.output.write('stderr', `(node) ${warning.name}: ${warning.message}\n`);
  });
}
