/**
 * This module contains the one way BeeMind words a failed zod validation in an error message: each problem as
 * `path: message` on one line, the path written by zod itself (z.core.toDotPath), which quotes odd keys as JSON
 * strings so that a key from untrusted input (a control character, a newline) cannot garble the message.
 * z.prettifyError words the same problems over several lines; an error message here is one line.
 */
import { closestMatch } from 'leven';
import { z } from 'zod';

/**
 * `path: message; …` for the first `limit` problems; a problem at the root is named `root`. Given the `schema`
 * that failed, an unknown key is named with the closest known key when it looks like a misspelling of one
 * (`metrc` → `metric`), else with the keys allowed there.
 */
export function describeIssues(error: z.ZodError, root = '(value)', limit = 5, schema?: z.ZodType): string {
  const shown = error.issues.slice(0, limit).map((i) => {
    const where = i.path.length > 0 ? z.core.toDotPath(i.path) : root;
    const known = schema && i.code === 'unrecognized_keys' ? objectKeysAt(schema, i.path) : null;
    return `${where}: ${known ? unknownKeys((i as z.core.$ZodIssueUnrecognizedKeys).keys, known) : i.message}`;
  });
  const more = error.issues.length - shown.length;
  return shown.join('; ') + (more > 0 ? `; and ${more} more` : '');
}

function unknownKeys(keys: readonly string[], known: readonly string[]): string {
  return keys
    .map((key) => {
      const close = closestKey(key, known);
      const name = JSON.stringify(key);
      return close
        ? `unknown key ${name} (did you mean ${JSON.stringify(close)}?)`
        : `unknown key ${name} (known: ${known.join(', ')})`;
    })
    .join(', ');
}

/** The keys of the object schema at `path` inside `schema` (through defaults, optionals and nullables), else null. */
function objectKeysAt(schema: z.ZodType, path: readonly PropertyKey[]): string[] | null {
  let at: z.ZodType | undefined = schema;
  for (let depth = 0; at; depth++) {
    while (at instanceof z.ZodDefault || at instanceof z.ZodOptional || at instanceof z.ZodNullable)
      at = at.unwrap() as z.ZodType;
    if (!(at instanceof z.ZodObject)) return null;
    if (depth === path.length) return Object.keys(at.shape);
    at = (at.shape as Record<string, z.ZodType>)[String(path[depth])];
  }
  return null;
}

/** The known key within two edits of `key` (case aside; fewer for short keys); null when none is that close. */
function closestKey(key: string, known: readonly string[]): string | null {
  const lower = known.map((k) => k.toLowerCase());
  const match = closestMatch(key.toLowerCase(), lower, {
    maxDistance: Math.min(2, Math.floor(key.length / 3)),
  });
  return match === undefined ? null : known[lower.indexOf(match)];
}
