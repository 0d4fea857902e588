// Small hand-made frames for the preprocessing and pipeline tests.
import { createFrame, getColumn, type Column, type Frame } from '../../src/data/frame.js';

export const num = (name: string, values: number[]): Column => ({
  name,
  kind: 'numeric',
  values: Float64Array.from(values),
});

export const bool = (name: string, values: number[]): Column => ({
  name,
  kind: 'boolean',
  values: Float64Array.from(values),
});

export const cat = (name: string, values: (string | null)[]): Column => ({
  name,
  kind: 'categorical',
  values,
});

export const frame = (...columns: Column[]): Frame => createFrame(columns);

/** A column's values as a plain array (numbers or categories). */
export function values(f: Frame, name: string): (number | string | null)[] {
  return Array.from(getColumn(f, name).values as ArrayLike<number | string | null>);
}

/** A deep copy of a frame, for checking that a step did not write into its input. */
export function cloneFrame(f: Frame): Frame {
  return {
    rows: f.rows,
    columns: f.columns.map((c) =>
      c.kind === 'categorical' ? { ...c, values: [...c.values] } : { ...c, values: c.values.slice() },
    ),
  };
}
