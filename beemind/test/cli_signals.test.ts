// The command line's signal handling, in-process and so independent of timing: the first Ctrl-C / SIGTERM lets
// the running command wind up (evolve ends its run as interrupted), a second one exits at once with
// 128 + the signal's number, after closing the experiment stores.
import { jest } from '@jest/globals';
import { onFirstSignal, terminalSession } from '../src/cli/terminal.js';

describe('signals on the command line', () => {
  let exit: ReturnType<typeof jest.spyOn>;
  let endSession: () => void;
  beforeEach(() => {
    exit = jest.spyOn(process, 'exit').mockImplementation((() => undefined) as never);
    endSession = terminalSession();
  });
  afterEach(() => {
    endSession();
    exit.mockRestore();
  });

  it.each([
    ['SIGINT', 'SIGTERM', 143],
    ['SIGTERM', 'SIGINT', 130],
    ['SIGINT', 'SIGINT', 130],
  ] as const)('a first %s winds the command up; then %s exits at once with %d', (first, second, code) => {
    const stops: string[] = [];
    const endInterrupt = onFirstSignal((signal) => stops.push(signal));
    try {
      process.emit(first, first);
      expect(stops).toEqual([first]);
      expect(exit).not.toHaveBeenCalled();
      process.emit(second, second);
      expect(exit).toHaveBeenCalledWith(code);
      expect(stops).toEqual([first]); // the command's handler ran once
    } finally {
      endInterrupt();
    }
  });

  it('once the command has wound up its work, a signal exits at once', () => {
    const stops: string[] = [];
    onFirstSignal((signal) => stops.push(signal))();
    process.emit('SIGTERM', 'SIGTERM');
    expect(stops).toEqual([]);
    expect(exit).toHaveBeenCalledWith(143);
  });

  it('leaves no listener behind', () => {
    const before = ['SIGINT', 'SIGTERM'].map((s) => process.listenerCount(s));
    const endInterrupt = onFirstSignal(() => {});
    endInterrupt();
    endSession();
    expect(['SIGINT', 'SIGTERM'].map((s) => process.listenerCount(s))).toEqual(before.map((n) => n - 1));
    endSession = terminalSession();
  });
});
