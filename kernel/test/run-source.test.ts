import { mergeSnapshots } from '../src/comm/run-source.js';

describe('the comm snapshot', () => {
  it('lists stored runs first and takes a run present in both from this kernel', () => {
    const stored = [
      { runId: 'a', events: ['stored a'] },
      { runId: 'b', events: ['stored b'] },
    ];
    const live = [
      { runId: 'b', events: ['live b'] },
      { runId: 'c', events: ['live c'] },
    ];
    expect(mergeSnapshots(stored, live)).toEqual([
      { runId: 'a', events: ['stored a'] },
      { runId: 'b', events: ['live b'] },
      { runId: 'c', events: ['live c'] },
    ]);
  });
});
