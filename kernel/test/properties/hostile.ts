// Arbitraries of what a hostile or broken peer sends: random JSON, values of the wrong type, huge strings,
// deep nesting, `__proto__` and other prototype-named keys, random binary buffers, and mutations of valid
// messages. Shared by the property tests of the comm path and of the wire format.
import fc from 'fast-check';

/** Every property runs from this seed, so a failure replays exactly. */
export const SEED = 42;

/** Keys that trip code reading objects through their prototype. */
export const PROTO_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf'];

/** `value` nested `depth` times in `{ a: … }` or `[…]`. */
export function nest(depth: number, value: unknown = 'bottom', asArray = false): unknown {
  let out = value;
  for (let i = 0; i < depth; i++) out = asArray ? [out] : { a: out };
  return out;
}

/** Strings from empty to a few megabytes (few sizes, so the big ones stay cheap). */
export const hugeString = fc
  .tuple(
    fc.constantFrom(0, 1, 199, 200, 201, 5_000, 300_000, 2_000_000),
    fc.constantFrom('x', 'é', '🐝', '\u0000'),
  )
  .map(([n, c]) => c.repeat(n));

/** Deep nesting, from harmless to 100,000 levels. */
export const deepValue = fc
  .tuple(fc.constantFrom(1, 64, 127, 128, 129, 1_000, 10_000, 100_000), fc.boolean())
  .map(([depth, asArray]) => nest(depth, 'bottom', asArray));

/** Objects whose keys include `__proto__` & co. (as own keys, as JSON.parse makes them). */
export const protoKeyed = fc.dictionary(
  fc.oneof(
    fc.constantFrom(...PROTO_KEYS, 'type', 'id', '$buffer', 'dtype', 'length'),
    fc.string({ maxLength: 8 }),
  ),
  fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.constantFrom(...PROTO_KEYS)),
  { maxKeys: 6 },
);

/** Any JSON-like value a peer may send, hostile shapes included. */
export const hostileJson: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: fc.jsonValue({ maxDepth: 4 }) },
  { weight: 1, arbitrary: hugeString },
  { weight: 1, arbitrary: deepValue },
  { weight: 2, arbitrary: protoKeyed },
  { weight: 1, arbitrary: fc.constantFrom(null, true, -1, 0, 1.5, NaN, Infinity, -0, '', [], {}) },
);

/** JSON text as a peer sends it: hostile values, and nesting up to 100,000 deep written out directly. */
export const hostileJsonText: fc.Arbitrary<string> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.oneof(fc.jsonValue({ maxDepth: 4 }), hugeString, protoKeyed).map((v) => JSON.stringify(v)),
  },
  {
    weight: 1,
    arbitrary: fc
      .constantFrom(64, 129, 10_000, 100_000)
      .map((n) => `${'{"a":['.repeat(n)}1${']}'.repeat(n)}`),
  },
);

/** Binary buffers as they arrive with a message (some empty, some odd-sized). */
export const randomBuffers = fc.array(fc.uint8Array({ maxLength: 64 }), { maxLength: 4 });

/** One edit of a JSON-like value: at a path chosen by `steps`, replace, delete, or add a key. */
export interface Mutation {
  steps: number[];
  kind: 'replace' | 'delete' | 'add';
  key: string;
  value: unknown;
}

export const mutation: fc.Arbitrary<Mutation> = fc.record({
  steps: fc.array(fc.nat(), { maxLength: 4 }),
  kind: fc.constantFrom('replace', 'delete', 'add'),
  key: fc.oneof(
    fc.constantFrom(...PROTO_KEYS, 'type', 'id', 'method', 'params'),
    fc.string({ maxLength: 6 }),
  ),
  value: hostileJson,
});

/** A deep copy of `value` (JSON-safe) with the mutations applied; never touches the original. */
export function mutate(value: unknown, mutations: readonly Mutation[]): unknown {
  let root = structuredClone(value);
  for (const m of mutations) {
    let parent: Record<string, unknown> | unknown[] | undefined;
    let key: string | number | undefined;
    let node: unknown = root;
    for (const step of m.steps) {
      if (typeof node !== 'object' || node === null) break;
      const keys = Array.isArray(node) ? node.map((_, i) => i) : Object.keys(node);
      if (keys.length === 0) break;
      parent = node as Record<string, unknown>;
      key = keys[step % keys.length];
      node = (node as Record<string, unknown>)[key];
    }
    if (m.kind === 'add' && typeof node === 'object' && node !== null && !Array.isArray(node)) {
      setOwn(node, m.key, m.value);
    } else if (m.kind === 'delete' && parent && key !== undefined) {
      if (Array.isArray(parent)) parent.splice(key as number, 1);
      else delete parent[key];
    } else if (parent && key !== undefined) {
      setOwn(parent, key, m.value);
    } else {
      root = m.value;
    }
  }
  return root;
}

/** Sets an own field, even one named `__proto__` (an assignment would set the prototype instead). */
function setOwn(target: object, key: string | number, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}
