/**
 * This module contains the column schema (kind, missing and distinct counts, range or top categories) and
 * the dataset fingerprint.
 */
import { createHash } from 'node:crypto';
import type { Column, Frame } from './frame.js';

export interface ColumnSchema {
  name: string;
  kind: Column['kind'];
  missing: number;
  distinct: number;
  min?: number;
  max?: number;
  mean?: number;
  /** Most frequent categories (at most 10) with counts, for categorical columns. */
  top?: { value: string; count: number }[];
}

export function describeColumn(c: Column): ColumnSchema {
  if (c.kind === 'categorical') {
    const counts = new Map<string, number>();
    let missing = 0;
    for (const v of c.values) {
      if (v === null) missing++;
      else counts.set(v, (counts.get(v) ?? 0) + 1);
    }
    const top = [...counts.entries()]
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
      .slice(0, 10)
      .map(([value, count]) => ({ value, count }));
    return { name: c.name, kind: c.kind, missing, distinct: counts.size, top };
  }
  let missing = 0;
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  const distinct = new Set<number>();
  for (const v of c.values) {
    if (Number.isNaN(v)) {
      missing++;
      continue;
    }
    if (v < min) min = v;
    if (v > max) max = v;
    sum += v;
    if (distinct.size <= 1000) distinct.add(v);
  }
  const present = c.values.length - missing;
  return {
    name: c.name,
    kind: c.kind,
    missing,
    distinct: distinct.size,
    ...(present > 0 ? { min, max, mean: sum / present } : {}),
  };
}

/** A content hash of names, kinds and values: the same data always gives the same fingerprint. */
export function fingerprintFrame(frame: Frame, extra = ''): string {
  const h = createHash('sha256');
  h.update(extra);
  for (const c of frame.columns) {
    h.update(`\u0000${c.name}\u0000${c.kind}\u0000`);
    if (c.kind === 'categorical') {
      for (const v of c.values) h.update(v === null ? '\u0001' : `${v}\u0000`);
    } else {
      h.update(new Uint8Array(c.values.buffer, c.values.byteOffset, c.values.byteLength));
    }
  }
  return h.digest('hex').slice(0, 16);
}
