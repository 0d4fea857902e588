/**
 * This module contains the type declarations of the globals every cell sees (`display`, `clearOutput`,
 * `kernel`), compiled into every cell's program as a global script. The runtime side is worker/globals.ts.
 */
export const PRELUDE_FILE = '__beemind_prelude__.d.ts';

export const PRELUDE = `
declare namespace BeeMindKernel {
  /** A MIME bundle: one representation of a value per MIME type. */
  type MimeBundle = { [mime: string]: unknown };
  /** A value wrapped to be shown as a given MIME type (see display.html, display.markdown, …). */
  interface Displayable {
    readonly bundle: MimeBundle;
  }
  interface DisplayOptions {
    /** Show under this display id: later display(…, { id }) calls or handle.update() replace it in place. */
    id?: string;
    metadata?: Record<string, unknown>;
  }
  interface DisplayHandle {
    readonly id: string;
    /** Replaces the shown value everywhere it is displayed (update_display_data). */
    update(value: unknown, options?: { metadata?: Record<string, unknown> }): void;
  }
  interface Display {
    /** Shows a value below the cell: HTML tables for arquero tables, charts for Vega-Lite specs, text otherwise. */
    (value: unknown, options?: DisplayOptions): DisplayHandle;
    html(html: string): Displayable;
    markdown(markdown: string): Displayable;
    svg(svg: string): Displayable;
    latex(latex: string): Displayable;
    json(value: unknown): Displayable;
    /** A Vega-Lite spec, shown as application/vnd.vegalite.v5+json (with a text fallback). */
    vegaLite(spec: object): Displayable;
    /** An explicit MIME bundle; include 'text/plain' as the fallback. */
    mime(bundle: MimeBundle): Displayable;
  }
  interface CommMessage {
    data: Record<string, unknown>;
    metadata: Record<string, unknown>;
    buffers: Uint8Array[];
  }
  interface Comm {
    readonly id: string;
    readonly targetName: string;
    send(data: Record<string, unknown>, metadata?: Record<string, unknown>, buffers?: ArrayBufferView[]): void;
    close(data?: Record<string, unknown>): void;
    onMsg(handler: (message: CommMessage) => void | Promise<void>): void;
    onClose(handler: (message: CommMessage) => void): void;
  }
  interface Comms {
    /** Accepts comms the frontend opens on \`targetName\`. */
    registerTarget(targetName: string, handler: (comm: Comm, message: CommMessage) => void | Promise<void>): void;
    unregisterTarget(targetName: string): void;
    /** Opens a comm from the kernel to a frontend target. */
    open(targetName: string, data?: Record<string, unknown>, metadata?: Record<string, unknown>, buffers?: ArrayBufferView[]): Comm;
    /** The open comms. */
    list(): Comm[];
  }
  interface Kernel {
    readonly comms: Comms;
    /** Aborted when the user interrupts the running cell: pass it to long computations. */
    readonly signal: AbortSignal;
    readonly executionCount: number;
    readonly display: Display;
    clearOutput(wait?: boolean): void;
    /** Shows text or a MIME bundle in the frontend's pager. */
    page(content: string | MimeBundle): void;
  }
}
/** The running BeeMind kernel: comms, interrupt signal, display and pager. */
declare const kernel: BeeMindKernel.Kernel;
/** Shows a value below the cell; returns a handle that can update it in place. */
declare const display: BeeMindKernel.Display;
/** Clears the cell's output (with wait, when the next output arrives). */
declare function clearOutput(wait?: boolean): void;
`;
