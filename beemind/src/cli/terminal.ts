/**
 * This module contains what the command line shows on the terminal besides its results: errors as one
 * `beemind: <message>` line each (never twice), log records as `beemind: warning: …` lines instead of
 * JSON, and the exit on Ctrl-C / SIGTERM, which closes the experiment stores first so their write-ahead
 * logs are checkpointed into the store files.
 */
import os from 'node:os';
import { setLogFormat } from '../core/logger.js';
import { closeStores } from '../store/experiment_store.js';

/** The messages already printed, so that an error logged by the library and thrown to main shows once. */
const shown = new Set<string>();

/** Prints `beemind: <message>` on stderr, unless that message was printed already. */
export function reportError(message: string): void {
  if (shown.has(message)) return;
  shown.add(message);
  process.stderr.write(`beemind: ${message}\n`);
}

/** Prints `beemind: note: <message>` on stderr: something the user may not expect, that does not stop the command. */
export function reportNote(message: string): void {
  reportError(`note: ${message}`);
}

const LEVELS: [number, string][] = [
  [50, ''],
  [40, 'warning: '],
  [0, 'note: '],
];

/** One pino JSON record as a line for people: `beemind: warning: <message> (<error>)`. */
function terminalLogLine(record: string): string {
  let parsed: { level?: number; msg?: string; err?: { message?: string } };
  try {
    parsed = JSON.parse(record);
  } catch {
    return record;
  }
  const level = parsed.level ?? 30;
  const prefix = LEVELS.find(([at]) => level >= at)![1];
  const msg = parsed.msg ?? '';
  const cause = parsed.err?.message;
  const line = `${prefix}${msg}${cause && !msg.includes(cause) ? (level >= 50 ? `: ${cause}` : ` (${cause})`) : ''}`;
  if (shown.has(line)) return '';
  shown.add(line);
  if (level >= 50 && cause) shown.add(cause); // main does not print that error again when it reaches it
  return `beemind: ${line}\n`;
}

/**
 * Until main returns: a signal that the running command does not handle itself (evolve stops its run on
 * the first one) closes the stores and exits with 128 + the signal's number, like a process killed by it.
 */
function exitOnSignal(signal: NodeJS.Signals): void {
  if (process.listenerCount(signal) > 1) return; // registered first, so a command's own listener is still there
  closeStores();
  process.exit(128 + (os.constants.signals[signal] ?? 0));
}

const SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM'];

/**
 * Until the returned undo is called: the first Ctrl-C / SIGTERM calls `onFirst` (the command winds its work
 * up and keeps what it has), and any later one falls through to the session's exit at once.
 */
export function onFirstSignal(onFirst: (signal: NodeJS.Signals) => void): () => void {
  const first = (signal: NodeJS.Signals) => {
    undo();
    onFirst(signal);
  };
  const undo = () => SIGNALS.forEach((signal) => process.off(signal, first));
  for (const signal of SIGNALS) process.on(signal, first);
  return undo;
}

/** Sets up the terminal for one command: readable log lines and the exit on signals; returns the undo. */
export function terminalSession(): () => void {
  setLogFormat(terminalLogLine);
  for (const signal of SIGNALS) process.on(signal, exitOnSignal);
  return () => {
    for (const signal of SIGNALS) process.off(signal, exitOnSignal);
    setLogFormat(null);
  };
}
