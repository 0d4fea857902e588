/**
 * This module contains the symbols that cross package lines, by name through Symbol.for so that every copy of
 * BeeMind in a process agrees: the display method a value shows itself with in a notebook, and the slot where
 * the kernel publishes a running cell's interrupt signal. It also holds the HTML escaping every display uses.
 */

/** The method a value implements to show itself in a notebook: it returns a MIME bundle. */
export const DISPLAY = Symbol.for('beemind.display');

/** Where the kernel publishes the running cell's AbortSignal (on globalThis); evolve() stops on it. */
export const INTERRUPT_SIGNAL = Symbol.for('beemind.interruptSignal');

/** Escapes text for HTML (column names, labels and error text are untrusted). */
export function escapeHtml(text: unknown): string {
  return String(text)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}
