/**
 * This module contains the reading of free text for models: which columns hold text (sentences, not
 * categories), their words, and the hashing of words and word pairs into a fixed number of buckets (FNV-1a on
 * UTF-16 code units, integer arithmetic, so every JavaScript engine gives the same bucket).
 */
import type { Column } from './frame.js';

/** Letters and digits in any script, lower-cased: the words of a text. */
const WORD = /[\p{L}\p{N}]+/gu;

/** A value with at least this many words counts as text, not as a category. */
const MIN_WORDS = 3;

export function words(text: string): string[] {
  return text.toLowerCase().match(WORD) ?? [];
}

/** FNV-1a 32-bit hash of a string's UTF-16 code units, as an unsigned integer. */
export function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** The bucket of each word (and, with `ngrams` 2, each pair of neighbouring words) of a text. */
export function hashedTerms(text: string, buckets: number, ngrams: number): number[] {
  const w = words(text);
  const out: number[] = [];
  for (let i = 0; i < w.length; i++) {
    out.push(fnv1a(w[i]) % buckets);
    if (ngrams === 2 && i + 1 < w.length) out.push(fnv1a(`${w[i]} ${w[i + 1]}`) % buckets);
  }
  return out;
}

/** A text column: categorical, and at least half of its present values have three words or more. */
export function isTextColumn(column: Column): boolean {
  if (column.kind !== 'categorical') return false;
  let present = 0;
  let long = 0;
  for (const v of column.values) {
    if (v === null) continue;
    present++;
    if (words(v).length >= MIN_WORDS) long++;
  }
  return present > 0 && long * 2 >= present;
}
