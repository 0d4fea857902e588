/**
 * This module contains canonicalKey: a stable string for any JSON-like value (object keys sorted, numbers
 * rounded to 6 significant digits), used to deduplicate configurations and genomes.
 */

/** Significant digits kept for non-integer numbers: 0.1 + 0.2 and 0.3 share a key, 0.1 and 0.1001 do not. */
const SIGNIFICANT_DIGITS = 6;

function canonicalNumber(x: number): string {
  if (Number.isNaN(x)) return '"NaN"';
  if (!Number.isFinite(x)) return x > 0 ? '"Infinity"' : '"-Infinity"';
  if (Number.isInteger(x)) return Object.is(x, -0) ? '0' : String(x);
  const r = Number(x.toPrecision(SIGNIFICANT_DIGITS));
  return Object.is(r, -0) ? '0' : String(r);
}

/**
 * Stable JSON-like text of `value`: object keys sorted, `undefined` members dropped (as JSON does), arrays
 * kept in order, numbers rounded to 6 significant digits, non-finite numbers written as strings.
 */
export function canonicalKey(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  switch (typeof value) {
    case 'number':
      return canonicalNumber(value);
    case 'string':
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object': {
      if (Array.isArray(value)) return `[${value.map(canonicalKey).join(',')}]`;
      if (ArrayBuffer.isView(value)) return canonicalKey(Array.from(value as unknown as ArrayLike<number>));
      const obj = value as Record<string, unknown>;
      const parts: string[] = [];
      for (const k of Object.keys(obj).sort()) {
        if (obj[k] === undefined) continue;
        parts.push(`${JSON.stringify(k)}:${canonicalKey(obj[k])}`);
      }
      return `{${parts.join(',')}}`;
    }
    default:
      return JSON.stringify(String(value));
  }
}

/** A deep copy of a JSON-like value; primitives are returned as they are (cheaper than structuredClone). */
export function cloneValue<T>(value: T): T {
  return typeof value === 'object' && value !== null ? structuredClone(value) : value;
}
