/**
 * This module contains the input history of one kernel session and the three history queries of the protocol:
 * tail, range and search (a glob pattern as in IPython, optionally unique, limited to the last n matches).
 */
export interface HistoryEntry {
  session: number;
  line: number;
  input: string;
  output: string | null;
}

export interface HistoryQuery {
  hist_access_type?: unknown;
  output?: unknown;
  session?: unknown;
  start?: unknown;
  stop?: unknown;
  n?: unknown;
  pattern?: unknown;
  unique?: unknown;
}

/** One history row as the protocol sends it: [session, line, input] or [session, line, [input, output]]. */
export type HistoryRow = [number, number, string | [string, string | null]];

export class History {
  /** The kernel keeps history in memory, so every kernel process is session 1. */
  readonly session = 1;
  private readonly entries: HistoryEntry[] = [];

  add(line: number, input: string, output: string | null = null): void {
    this.entries.push({ session: this.session, line, input, output });
  }

  query(q: HistoryQuery): HistoryRow[] {
    const withOutput = q.output === true;
    const rows = this.select(q);
    return rows.map((e) => [e.session, e.line, withOutput ? [e.input, e.output] : e.input]);
  }

  private select(q: HistoryQuery): HistoryEntry[] {
    const n = typeof q.n === 'number' && q.n > 0 ? Math.floor(q.n) : undefined;
    switch (q.hist_access_type) {
      case 'tail':
        return n === undefined ? this.entries.slice() : this.entries.slice(-n);
      case 'range': {
        // Session 0 (or a negative offset) means "this session" for a kernel that only remembers one.
        const session = typeof q.session === 'number' && q.session > 0 ? q.session : this.session;
        if (session !== this.session) return [];
        const start = typeof q.start === 'number' ? q.start : 0;
        const stop = typeof q.stop === 'number' && q.stop > 0 ? q.stop : Infinity;
        return this.entries.filter((e) => e.line >= start && e.line < stop);
      }
      case 'search': {
        const pattern = globToRegExp(typeof q.pattern === 'string' ? q.pattern : '*');
        let matches = this.entries.filter((e) => pattern.test(e.input));
        if (q.unique === true) {
          // Keep the most recent occurrence of each input, in chronological order.
          const seen = new Set<string>();
          matches = matches
            .reverse()
            .filter((e) => !seen.has(e.input) && seen.add(e.input))
            .reverse();
        }
        return n === undefined ? matches : matches.slice(-n);
      }
      default:
        return [];
    }
  }
}

/**
 * IPython-style glob: `*` any run, `?` one character, `[...]` a class (`[!...]` negated); anchored at both ends.
 * As SQLite's GLOB (which IPython's history search uses), an out-of-order range such as `z-a` matches nothing
 * while the rest of its class still does. Never throws: any pattern is a valid query.
 */
export function globToRegExp(glob: string): RegExp {
  let source = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*') source += '[\\s\\S]*';
    else if (c === '?') source += '[\\s\\S]';
    else if (c === '[') {
      const close = glob.indexOf(']', i + 1);
      if (close < 0) source += '\\[';
      else {
        source += characterClass(glob.slice(i + 1, close));
        i = close;
      }
    } else source += escapeChar(c);
  }
  try {
    return new RegExp(`^${source}$`);
  } catch {
    return /(?!)/; // unreachable by construction; a pattern must never fail the request
  }
}

/** A glob class body (`a-z0`, `!xy`) as a regular expression class, every character escaped. */
function characterClass(body: string): string {
  const negated = body.startsWith('!');
  const chars = negated ? body.slice(1) : body;
  let items = '';
  for (let i = 0; i < chars.length; i++) {
    if (chars[i + 1] === '-' && i + 2 < chars.length) {
      const [low, high] = [chars[i], chars[i + 2]];
      if (low <= high) items += `${escapeChar(low)}-${escapeChar(high)}`;
      i += 2;
    } else items += escapeChar(chars[i]);
  }
  if (items === '') return negated ? '[\\s\\S]' : '(?!)';
  return `[${negated ? '^' : ''}${items}]`;
}

function escapeChar(c: string): string {
  return c.replace(/[-.*+?^${}()|[\]\\/]/g, '\\$&');
}
