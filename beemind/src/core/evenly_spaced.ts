/**
 * This module contains the deterministic thinning of a list: at most `limit` of its items, evenly spaced, so a
 * fixed amount of work or drawing stands for all of them (the rows a filling regression fits, the ICE curves a
 * chart draws).
 */

/** At most `limit` of `items`, evenly spaced from the first (all of them, in order, when there are no more). */
export function evenlySpaced<T>(items: readonly T[], limit: number): readonly T[] {
  if (items.length <= limit) return items;
  return Array.from({ length: limit }, (_, k) => items[Math.floor((k * items.length) / limit)]);
}
