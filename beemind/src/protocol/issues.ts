/**
 * This module contains the one way BeeMind words a failed zod validation in an error message: each problem as
 * `path: message` on one line, the path written by zod itself (z.core.toDotPath), which quotes odd keys as JSON
 * strings so that a key from untrusted input (a control character, a newline) cannot garble the message.
 * z.prettifyError words the same problems over several lines; an error message here is one line.
 */
import { z } from 'zod';

/** `path: message; …` for the first `limit` problems; a problem at the root is named `root`. */
export function describeIssues(error: z.ZodError, root = '(value)', limit = 5): string {
  const shown = error.issues
    .slice(0, limit)
    .map((i) => `${i.path.length > 0 ? z.core.toDotPath(i.path) : root}: ${i.message}`);
  const more = error.issues.length - shown.length;
  return shown.join('; ') + (more > 0 ? `; and ${more} more` : '');
}
