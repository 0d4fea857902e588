/**
 * This module contains the test a tree node applies to a value: a threshold node sends x <= threshold left; a
 * categorical node lists the category codes it sends left (an ascending run in a pool shared by the tree's
 * nodes) and sends every other code right, a code it never saw in training included. Missing values (NaN)
 * follow the node's missing-value direction either way. Prediction, TreeSHAP and the leaf tables all route
 * rows through `goesLeft`, so they agree on every row.
 */

/** The categorical nodes of a set of trees, by node index. */
export interface CategorySplits {
  /** Per node: where its codes start in `codes`, or −1 for a threshold node. */
  start: Int32Array;
  /** Per node: how many codes go left (at least one for a categorical node). */
  count: Int32Array;
  /** Every categorical node's codes, each node's run in ascending order. */
  codes: Float64Array;
}

/** Whether `x` is one of the codes categorical node `node` sends left (binary search in its run). */
export function listsCategory(splits: CategorySplits, node: number, x: number): boolean {
  const codes = splits.codes;
  let lo = splits.start[node];
  let hi = lo + splits.count[node] - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const c = codes[mid];
    if (c === x) return true;
    if (c < x) lo = mid + 1;
    else hi = mid - 1;
  }
  return false;
}

/**
 * Whether value `x` goes to the left child of `node`: NaN follows `missingLeft`; a categorical node (in
 * `categories`, when the trees have any) tests the code; any other node tests `x <= threshold`.
 */
export function goesLeft(
  threshold: Float64Array,
  missingLeft: Uint8Array,
  categories: CategorySplits | null,
  node: number,
  x: number,
): boolean {
  if (x !== x) return missingLeft[node] === 1; // x !== x is the NaN test
  if (categories !== null && categories.start[node] >= 0) return listsCategory(categories, node, x);
  return x <= threshold[node];
}
