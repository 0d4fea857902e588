// A yes/no (or true/false) column is read as boolean, but as a target its classes keep the file's own
// spelling; as a feature it stays a 0/1 boolean column.
import { parseCSV } from '../../src/data/csv.js';
import { toDataset } from '../../src/data/dataset.js';
import { loadDataset } from '../../src/data/datasets.js';

describe('boolean-looking targets keep their labels', () => {
  it('credit_default: the Yes/No target has classes No and Yes', async () => {
    const df = await loadDataset('credit_default');
    const data = toDataset(df, { target: 'default' });
    expect(data.target.classes).toEqual(['No', 'Yes']);
    expect(data.decode([0, 1])).toEqual(['No', 'Yes']);
    // the Yes/No feature `student` is still a boolean column
    expect(data.features.column('student').kind).toBe('boolean');
    expect(Array.from(data.features.column('student').values.slice(0, 2) as Float64Array)).toEqual([0, 1]);
  });

  it('keeps each spelling, whatever its case, with missing targets dropped', () => {
    const cases: [string, string[]][] = [
      ['yes\nno\nyes', ['no', 'yes']],
      ['TRUE\nFALSE\nTRUE', ['FALSE', 'TRUE']],
      ['true\nfalse\nNA\nfalse', ['false', 'true']],
      ['Y\nN\nY', ['N', 'Y']],
    ];
    for (const [column, classes] of cases) {
      const rows = column.split('\n');
      const df = parseCSV(`x,y\n${rows.map((v, i) => `${i},${v}`).join('\n')}\n`);
      const data = toDataset(df, { target: 'y', dropMissingTarget: true });
      expect(data.target.classes).toEqual(classes);
      const labels = data.decode(data.target.values);
      expect(labels).toEqual(rows.filter((v) => v !== 'NA'));
    }
  });

  it('maps mixed spellings of one answer to the first spelling seen', () => {
    const df = parseCSV('x,y\n1,Yes\n2,yes\n3,No\n4,no\n');
    const data = toDataset(df, { target: 'y' });
    expect(data.target.classes).toEqual(['No', 'Yes']);
    expect(Array.from(data.target.values)).toEqual([1, 1, 0, 0]);
  });
});
