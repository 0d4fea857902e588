/**
 * The `beemind/protocol` entry: everything the library, the kernel, the JupyterLab panels and the CLI agree
 * on, in one place. The run event schemas, the comm messages both ways, the binary-buffer codec, the display
 * and interrupt symbols, and FoldedRun, the one reading of a run's event stream. It imports nothing but zod,
 * so the panels bundle it without the library.
 */
export * from './events.js';
export * from './comm.js';
export * from './buffers.js';
export * from './display.js';
export * from './run_state.js';
export * from './issues.js';
