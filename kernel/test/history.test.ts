// The in-memory history and its tail / range / search queries.
import { History, globToRegExp } from '../src/protocol/history.js';

function filled(): History {
  const h = new History();
  h.add(1, 'const x = 1');
  h.add(2, '6 * 7', '42');
  h.add(3, 'x + 1', '2');
  h.add(4, '6 * 7', '42');
  return h;
}

describe('History', () => {
  it('returns the last n entries for tail, with outputs when asked', () => {
    const h = filled();
    expect(h.query({ hist_access_type: 'tail', n: 2 })).toEqual([
      [1, 3, 'x + 1'],
      [1, 4, '6 * 7'],
    ]);
    expect(h.query({ hist_access_type: 'tail', n: 1, output: true })).toEqual([[1, 4, ['6 * 7', '42']]]);
  });

  it('returns a half-open line range of this session', () => {
    const h = filled();
    expect(h.query({ hist_access_type: 'range', session: 1, start: 2, stop: 4 }).map((r) => r[1])).toEqual([
      2, 3,
    ]);
    expect(h.query({ hist_access_type: 'range', session: 7, start: 0, stop: 9 })).toEqual([]);
  });

  it('searches with glob patterns, unique and a limit', () => {
    const h = filled();
    expect(h.query({ hist_access_type: 'search', pattern: '6 [*] 7' }).length).toBe(2);
    expect(h.query({ hist_access_type: 'search', pattern: '6 [*] 7', unique: true })).toEqual([
      [1, 4, '6 * 7'],
    ]);
    expect(h.query({ hist_access_type: 'search', pattern: '*', n: 3 }).map((r) => r[1])).toEqual([2, 3, 4]);
    expect(h.query({ hist_access_type: 'search', pattern: 'x*' }).map((r) => r[1])).toEqual([3]);
  });

  it('translates globs: * ? [..] [!..] and escapes the rest', () => {
    expect(globToRegExp('a?c').test('abc')).toBe(true);
    expect(globToRegExp('a[!b]c').test('abc')).toBe(false);
    expect(globToRegExp('a.c').test('abc')).toBe(false);
    expect(globToRegExp('(x)*').test('(x) + 1')).toBe(true);
  });

  it('never throws on a malformed class: an out-of-order range such as [z-a] matches nothing', () => {
    const h = filled();
    expect(() => globToRegExp('[z-a]')).not.toThrow();
    expect(h.query({ hist_access_type: 'search', pattern: '[z-a]' })).toEqual([]);
    expect(h.query({ hist_access_type: 'search', pattern: '6 [z-a*] 7' }).length).toBe(2);
    expect(globToRegExp('x[z-a]').test('x')).toBe(false);
  });
});
