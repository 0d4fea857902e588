// What jsdom lacks and Lumino touches at import time (imported first by the DOM tests).
if (typeof globalThis.DragEvent === 'undefined') {
  (globalThis as unknown as { DragEvent: typeof MouseEvent }).DragEvent =
    class DragEvent extends MouseEvent {} as typeof MouseEvent;
}
