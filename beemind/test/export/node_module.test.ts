// An exported module, imported in Node from a temporary .mjs file, predicts exactly as the library: the same
// labels or values and bit-for-bit the same probabilities on every test row, for every model family and for
// ensembles whose pipelines use every preprocessing step. Its text has no import or require.
import { exportModule } from '../../src/export/module.js';
import {
  ENSEMBLE_CASES,
  FAMILY_CASES,
  importLines,
  importModule,
  probabilityRows,
  rowObjects,
  tempFolder,
  trainOn,
} from './helpers.js';

const folder = tempFolder();
afterAll(() => folder.cleanup());

describe.each([...FAMILY_CASES, ...ENSEMBLE_CASES])(
  'exported module: $name',
  ({ name, dataset, specs, stacked }) => {
    it('predicts exactly as model.predict and model.predictProba on every test row', async () => {
      const { model, test } = await trainOn(dataset, specs, { stacked });
      const text = exportModule(model, { format: 'esm' });
      expect(importLines(text)).toEqual([]);
      const module = await importModule(folder.dir, name.replace(/\W+/g, '_'), text);
      const rows = rowObjects(test);
      expect(module.task).toBe(model.task);
      expect(module.inputColumns.map((c) => c.name)).toEqual(model.featureNames);
      expect(module.predict(rows)).toEqual(model.predict(test));
      if (model.task === 'classification') {
        expect(module.classes).toEqual(model.classes);
        expect(module.predictProba!(rows)).toEqual(probabilityRows(model, test));
      } else {
        expect(module.classes).toBeNull();
        expect(module.predictProba).toBeUndefined();
      }
    });
  },
);
