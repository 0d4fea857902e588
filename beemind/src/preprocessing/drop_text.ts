/**
 * This module contains `drop_text`: the free-text columns at fit (data/text.ts) are left out, other columns pass
 * through. It is the text slot's other choice beside `text_tfidf`: on some tables the words of a name or a title
 * say little about the target, and their TF-IDF columns only slow every model down and give it noise to split on
 * (movies' titles, caschool's district names: docs/benchmarks.md, "Free text left out").
 */
import { z } from 'zod';
import type { StateReader } from '../core/untrusted.js';
import type { Column } from '../data/frame.js';
import { isTextColumn } from '../data/text.js';
import { BaseTransformer } from './base.js';

export const dropTextSchema = z.strictObject({});
export type DropTextParams = z.output<typeof dropTextSchema>;

export class DropText extends BaseTransformer<DropTextParams> {
  readonly kind = 'drop_text';
  /** Per input column: whether it was text at fit, and is left out. */
  private dropped: boolean[] = [];

  constructor(params: Record<string, unknown> = {}) {
    super(dropTextSchema, params, 'drop_text');
  }

  protected fitColumns(columns: readonly Column[]): void {
    this.dropped = columns.map((c) => isTextColumn(c));
  }

  protected transformColumns(columns: readonly Column[]): Column[] {
    return columns.filter((_, j) => !this.dropped[j]);
  }

  protected getState(): unknown {
    return { dropped: this.dropped };
  }

  protected setState(state: StateReader): void {
    const list = state.items('dropped', this.input!.length);
    this.dropped = this.input!.map((c, j) => {
      const dropped = list.boolean(j);
      // only categorical columns can hold text
      if (dropped && c.kind !== 'categorical')
        list.fail(`dropped[${j}] must be false: column ${j} is ${c.kind}, not text`);
      return dropped;
    });
  }
}
