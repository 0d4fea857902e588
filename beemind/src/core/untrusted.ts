/**
 * This module contains the readers of untrusted JSON (a model file, a queued job, a saved model):
 *
 * - `ownData` copies a parsed value keeping own fields only, so a schema never reads a field inherited
 *   through a `__proto__` key (JSON.parse keeps `"__proto__"` as an own key; a later `Object.assign` or
 *   `obj[key] = …` copy turns it into the prototype);
 * - `StateReader` reads a model's or a step's fitted state field by field, checking each one (type, range,
 *   packed-array dtype and length, finiteness) and throwing a ProtocolError that names the field.
 *
 * Each model family and preprocessing step checks its own state with a StateReader in its `setState`, beside
 * the code that uses it.
 */
import { ProtocolError } from './errors.js';
import { unpackF32, unpackF64, unpackI32, unpackU8, type PackedArray } from './serialize.js';
import { printable, quote } from './text.js';

/** Deeper nesting than any BeeMind document has; beyond it a value is refused, not recursed into. */
const MAX_DEPTH = 64;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function hasOwn(value: unknown, key: string): boolean {
  return typeof value === 'object' && value !== null && Object.hasOwn(value, key);
}

/**
 * A copy of a JSON-like value with own enumerable fields only and no `__proto__` key, as plain objects and
 * arrays (typed arrays and other non-plain values are kept as they are). Refuses nesting deeper than 64.
 */
export function ownData(value: unknown, depth = 0): unknown {
  if (typeof value !== 'object' || value === null || ArrayBuffer.isView(value)) return value;
  if (depth > MAX_DEPTH) {
    throw new ProtocolError('json.too_deep', `a JSON document nests more than ${MAX_DEPTH} levels deep.`);
  }
  if (Array.isArray(value)) return value.map((v) => ownData(v, depth + 1));
  // class instances (a Date, a Map) are not JSON data: leave them for the schema to judge. JSON cannot make
  // a function, so an object whose prototype came from a `__proto__` key is copied.
  const proto = Object.getPrototypeOf(value) as { constructor?: unknown } | null;
  const ctor = proto?.constructor;
  if (
    proto !== null &&
    proto !== Object.prototype &&
    typeof ctor === 'function' &&
    ctor.prototype === proto
  ) {
    return value;
  }
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    if (key === '__proto__') continue;
    // defineProperty: an own data field even for names Object.prototype has setters for
    Object.defineProperty(out, key, {
      value: ownData((value as Record<string, unknown>)[key], depth + 1),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out;
}

export interface NumberRule {
  /** Smallest allowed value (inclusive). */
  min?: number;
  /** Largest allowed value (inclusive). */
  max?: number;
  /** Whole numbers only. */
  integer?: boolean;
  /** Also allow ±Infinity (NaN never). */
  infinite?: boolean;
  /** Greater than 0. */
  positive?: boolean;
}

export interface ArrayRule extends NumberRule {
  /** Exact number of elements. */
  length?: number;
  /** Also allow NaN elements (e.g. "no value" markers). */
  nan?: boolean;
  /** Elements strictly increasing. */
  increasing?: boolean;
}

/** How `v` breaks `rule`, to follow "… is" (e.g. `7, above 6`), or null when it is fine. */
function numberProblem(v: number, rule: NumberRule & { nan?: boolean }): string | null {
  if (Number.isNaN(v)) return rule.nan ? null : 'NaN';
  if (!Number.isFinite(v) && !rule.infinite) return String(v);
  if (rule.integer && Number.isFinite(v) && !Number.isInteger(v)) return `${v}, not a whole number`;
  if (rule.positive && !(v > 0)) return `${v}, not positive`;
  if (rule.min !== undefined && rule.min === rule.max && v !== rule.min) return `${v}, not ${rule.min}`;
  if (rule.min !== undefined && v < rule.min) return `${v}, below ${rule.min}`;
  if (rule.max !== undefined && v > rule.max) return `${v}, above ${rule.max}`;
  return null;
}

/**
 * Whether every element passes `rule` (as numberProblem and the increasing check judge it), in one tight loop:
 * a model's trees hold millions of values, and checking them one call at a time made loading a forest slower
 * than fitting it. False sends the caller to the element-by-element check, which names the first bad one.
 */
function allElementsPass(values: ArrayLike<number>, rule: ArrayRule): boolean {
  const lo = rule.min ?? -Infinity;
  const hi = rule.max ?? Infinity;
  const { nan = false, infinite = false, integer = false, positive = false, increasing = false } = rule;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v !== v) {
      if (nan && !increasing) continue;
      return false;
    }
    if (v < lo || v > hi) return false;
    if (v === Infinity || v === -Infinity) {
      if (!infinite) return false;
    } else if (integer && Math.floor(v) !== v) return false;
    if (positive && !(v > 0)) return false;
    if (increasing && i > 0 && !(v > values[i - 1])) return false;
  }
  return true;
}

const PACKED = { f64: unpackF64, i32: unpackI32, u8: unpackU8, f32: unpackF32 } as const;
type PackedKind = keyof typeof PACKED;

/**
 * Reads fitted state from untrusted JSON: every accessor checks one field (own fields only) and throws a
 * ProtocolError `<who>: <field> <problem>` when it is wrong.
 */
export class StateReader {
  private constructor(
    private readonly value: unknown,
    /** What is being read, e.g. `random_forest (classification)`; starts every message. */
    readonly who: string,
    /** Where in the state this reader is, e.g. `ensemble.trees[3]` (empty at the top). */
    readonly path: string,
  ) {}

  /** A reader of `value`, which must be an object; `who` names what it belongs to in messages. */
  static of(value: unknown, who: string, path = 'state'): StateReader {
    const reader = new StateReader(value, who, path);
    if (!isRecord(value)) reader.fail(`${path} must be an object, but it is ${describe(value)}`);
    return reader;
  }

  /** Throws the error of a bad state: `<who>: <problem>`, with the fix. */
  fail(problem: string): never {
    throw new ProtocolError(
      'model.bad_state',
      `${this.who}: ${problem}; the saved model is damaged or was edited: save or export it again.`,
    );
  }

  /** The full name of field `key` for messages, e.g. `state.model.coef`. */
  field(key: string | number): string {
    const part = typeof key === 'number' ? `[${key}]` : `.${printable(key, { inline: true })}`;
    return this.path ? `${this.path}${part}` : part.replace(/^\./, '');
  }

  /** The own field `key` (undefined when absent). */
  private raw(key: string | number): unknown {
    return hasOwn(this.value, String(key)) ? (this.value as Record<string, unknown>)[key] : undefined;
  }

  /** The object at `key`, as a reader. */
  object(key: string | number): StateReader {
    const v = this.raw(key);
    if (!isRecord(v)) this.fail(`${this.field(key)} must be an object, but it is ${describe(v)}`);
    return new StateReader(v, this.who, this.field(key));
  }

  /** The number at `key`, checked against `rule` (finite unless `rule.infinite`). */
  number(key: string | number, rule: NumberRule = {}): number {
    const v = this.raw(key);
    if (typeof v !== 'number') this.fail(`${this.field(key)} must be a number, but it is ${describe(v)}`);
    const problem = numberProblem(v, rule);
    if (problem) this.fail(`${this.field(key)} is ${problem}`);
    return v;
  }

  /** The whole number at `key`, in [min, max]. */
  integer(key: string | number, min: number, max = Number.MAX_SAFE_INTEGER): number {
    return this.number(key, { integer: true, min, max });
  }

  boolean(key: string | number): boolean {
    const v = this.raw(key);
    if (typeof v !== 'boolean')
      this.fail(`${this.field(key)} must be true or false, but it is ${describe(v)}`);
    return v;
  }

  string(key: string | number): string {
    const v = this.raw(key);
    if (typeof v !== 'string') this.fail(`${this.field(key)} must be text, but it is ${describe(v)}`);
    return v;
  }

  /** The string at `key`, one of `choices`. */
  oneOf<T extends string>(key: string | number, choices: readonly T[]): T {
    const v = this.raw(key);
    if (typeof v !== 'string' || !(choices as readonly string[]).includes(v)) {
      this.fail(`${this.field(key)} must be one of ${choices.join(', ')}, but it is ${describe(v)}`);
    }
    return v as T;
  }

  /** The array at `key` (of `length` elements when given), one reader per element (which must be objects). */
  list(key: string | number, length?: number): StateReader[] {
    const items = this.items(key, length);
    return Array.from({ length: items.length }, (_, i) => items.object(i));
  }

  /**
   * A reader of the array at `key` (of `length` elements when given): its elements are read by index, e.g.
   * `state.items('cuts').f64(0)`.
   */
  items(key: string | number, length?: number): StateReader {
    return new StateReader(this.array(key, length), this.who, this.field(key));
  }

  /** The number of elements when this reader reads an array (0 otherwise). */
  get length(): number {
    return Array.isArray(this.value) ? this.value.length : 0;
  }

  /** Whether the own field `key` is present (fields added in a later version are absent from older states). */
  has(key: string | number): boolean {
    return this.raw(key) !== undefined;
  }

  /** Whether the field `key` is null. */
  isNull(key: string | number): boolean {
    return this.raw(key) === null;
  }

  /**
   * The array at `key` as plain numbers, each checked against `rule`; with `rule.nan`, null entries (what
   * JSON makes of NaN) read as NaN.
   */
  numbers(key: string | number, rule: ArrayRule = {}): number[] {
    const v = this.array(key, rule.length).map((x, i) => {
      if (x === null && rule.nan) return NaN;
      if (typeof x !== 'number')
        this.fail(`${this.field(key)}[${i}] must be a number, but it is ${describe(x)}`);
      return x;
    });
    this.checkElements(key, v, rule);
    return v;
  }

  /** The array at `key` as whole numbers in [min, max] (strictly increasing when `increasing`). */
  integers(
    key: string | number,
    min: number,
    max: number,
    rule: Omit<ArrayRule, 'min' | 'max' | 'integer'> = {},
  ): number[] {
    return this.numbers(key, { ...rule, min, max, integer: true });
  }

  /** The array at `key` as strings (or null entries when `nullable`). */
  strings(
    key: string | number,
    options: { length?: number; nullable?: boolean; unique?: boolean } = {},
  ): (string | null)[] {
    const v = this.array(key, options.length);
    v.forEach((x, i) => {
      if (typeof x !== 'string' && !(options.nullable && x === null)) {
        this.fail(`${this.field(key)}[${i}] must be text, but it is ${describe(x)}`);
      }
    });
    if (options.unique) {
      const seen = new Set<unknown>();
      for (const x of v) {
        if (seen.has(x)) this.fail(`${this.field(key)} lists ${quote(x)} twice`);
        seen.add(x);
      }
    }
    return [...(v as (string | null)[])];
  }

  /** The packed f64 array at `key`, each element checked against `rule`. */
  f64(key: string | number, rule: ArrayRule = {}): Float64Array<ArrayBuffer> {
    return this.packed(key, 'f64', rule);
  }

  /** The packed f32 array at `key`, each element checked against `rule`. */
  f32(key: string | number, rule: ArrayRule = {}): Float32Array<ArrayBuffer> {
    return this.packed(key, 'f32', rule);
  }

  /** The packed i32 array at `key` (values unchecked unless `rule` bounds them). */
  i32(key: string | number, rule: ArrayRule = {}): Int32Array<ArrayBuffer> {
    return this.packed(key, 'i32', rule);
  }

  /** The packed u8 array at `key`. */
  u8(key: string | number, rule: ArrayRule = {}): Uint8Array<ArrayBuffer> {
    return this.packed(key, 'u8', rule);
  }

  private array(key: string | number, length?: number): unknown[] {
    const v = this.raw(key);
    if (!Array.isArray(v)) this.fail(`${this.field(key)} must be an array, but it is ${describe(v)}`);
    if (length !== undefined && v.length !== length) {
      this.fail(`${this.field(key)} must have ${length} elements, but it has ${v.length}`);
    }
    return v;
  }

  private packed<K extends PackedKind>(
    key: string | number,
    kind: K,
    rule: ArrayRule,
  ): ReturnType<(typeof PACKED)[K]> {
    const v = this.raw(key);
    let out: ReturnType<(typeof PACKED)[K]>;
    try {
      out = PACKED[kind](v as PackedArray) as ReturnType<(typeof PACKED)[K]>;
    } catch {
      this.fail(`${this.field(key)} must be a packed ${kind} array`);
    }
    if (rule.length !== undefined && out.length !== rule.length) {
      this.fail(`${this.field(key)} must have ${rule.length} values, but it has ${out.length}`);
    }
    this.checkElements(key, out, rule);
    return out;
  }

  private checkElements(key: string | number, values: ArrayLike<number>, rule: ArrayRule): void {
    if (allElementsPass(values, rule)) return;
    for (let i = 0; i < values.length; i++) {
      const problem = numberProblem(values[i], rule);
      if (problem) this.fail(`${this.field(key)}[${i}] is ${problem}`);
      if (rule.increasing && i > 0 && !(values[i] > values[i - 1])) {
        this.fail(
          `${this.field(key)} must be strictly increasing, but element ${i} (${values[i]}) follows ${values[i - 1]}`,
        );
      }
    }
  }
}

/** A short, printable description of an unexpected value for messages. */
function describe(v: unknown): string {
  if (v === undefined) return 'missing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return `an array of ${v.length}`;
  if (typeof v === 'object') return 'an object';
  if (typeof v === 'string') return quote(v.length > 40 ? `${v.slice(0, 40)}…` : v);
  return String(v);
}
