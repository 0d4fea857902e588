/**
 * This module contains `text_tfidf`: each free-text column at fit (data/text.ts) becomes `buckets` numeric
 * columns `<name>=tfidf_<k>`: the words (and with `ngrams: 2` the pairs of neighbouring words) of a row hashed
 * into buckets, counted, weighted by the bucket's inverse document frequency learned at fit (scikit-learn's
 * smooth idf: ln((1 + n) / (1 + df)) + 1), and scaled to unit length. Hashing needs no vocabulary, so words
 * never seen at fit still land in a bucket. A missing text is an empty one (all zeros). Other columns pass
 * through unchanged.
 */
import { z } from 'zod';
import type { StateReader } from '../core/untrusted.js';
import type { Column } from '../data/frame.js';
import { hashedTerms, isTextColumn } from '../data/text.js';
import { BaseTransformer } from './base.js';
import { readCategoryLayout } from './categories.js';

export const textTfidfSchema = z.strictObject({
  buckets: z.number().int().min(4).max(4096).default(64),
  /** 1: words; 2: words and pairs of neighbouring words. */
  ngrams: z.number().int().min(1).max(2).default(2),
});
export type TextTfidfParams = z.output<typeof textTfidfSchema>;

export class TextTfidf extends BaseTransformer<TextTfidfParams> {
  readonly kind = 'text_tfidf';
  /** Per input column: the idf of each bucket for a text column, null for pass-through columns. */
  private idf: (Float64Array | null)[] = [];

  constructor(params: Partial<TextTfidfParams> = {}) {
    super(textTfidfSchema, params, 'text_tfidf');
  }

  protected fitColumns(columns: readonly Column[], rows: number): void {
    const { buckets, ngrams } = this.params;
    this.idf = columns.map((c) => {
      if (!isTextColumn(c) || c.kind !== 'categorical') return null;
      const documents = new Float64Array(buckets);
      for (const v of c.values) {
        if (v === null) continue;
        for (const b of new Set(hashedTerms(v, buckets, ngrams))) documents[b]++;
      }
      return documents.map((df) => Math.log((1 + rows) / (1 + df)) + 1);
    });
  }

  protected transformColumns(columns: readonly Column[], rows: number): Column[] {
    const { buckets, ngrams } = this.params;
    const out: Column[] = [];
    for (const [j, c] of columns.entries()) {
      const idf = this.idf[j];
      if (!idf || c.kind !== 'categorical') {
        out.push(c);
        continue;
      }
      const outputs = Array.from({ length: buckets }, () => new Float64Array(rows));
      const weights = new Float64Array(buckets);
      for (let i = 0; i < rows; i++) {
        const v = c.values[i];
        if (v === null) continue;
        weights.fill(0);
        for (const b of hashedTerms(v, buckets, ngrams)) weights[b] += 1;
        let norm = 0;
        for (let b = 0; b < buckets; b++) {
          weights[b] *= idf[b];
          norm += weights[b] * weights[b];
        }
        norm = Math.sqrt(norm);
        if (norm > 0) for (let b = 0; b < buckets; b++) outputs[b][i] = weights[b] / norm;
      }
      for (let b = 0; b < buckets; b++)
        out.push({ name: `${c.name}=tfidf_${b}`, kind: 'numeric', values: outputs[b] });
    }
    return out;
  }

  protected getState(): unknown {
    return { idf: this.idf.map((w) => (w ? Array.from(w) : null)) };
  }

  protected setState(state: StateReader): void {
    const buckets = this.params.buckets;
    // text columns: null (not text at fit) or one positive idf per bucket; other columns: null
    this.idf = readCategoryLayout(state, 'idf', this.input!, (list, j) =>
      list.isNull(j) ? null : Float64Array.from(list.numbers(j, { length: buckets, min: 1 })),
    );
  }
}
