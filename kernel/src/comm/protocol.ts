/**
 * This module contains the kernel's side of the `beemind` comm protocol (docs/protocol.md). The messages
 * themselves, both ways, are defined once in the library's `beemind/protocol`; what stays here is how the
 * kernel quotes a malformed message's problems back (clipped: paths and keys are input).
 */
import type { z } from 'zod';
import { clip } from '../limits.js';

/** A readable one-line summary of zod issues for an error message (each clipped: paths and keys are input). */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((i) => clip(`${i.path.length > 0 ? i.path.map(String).join('.') : 'message'}: ${i.message}`))
    .join('; ');
}
