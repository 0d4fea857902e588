// Every built-in model family and preprocessing step has a portable runtime, and the exported-module tests
// exercise each of them: a family or step added to the library without one fails here, not in a user's export.
import '../../src/models/families.js';
import { EXPORTABLE_FAMILIES, EXPORTABLE_STEPS } from '../../src/export/state.js';
import { modelFamilies } from '../../src/models/registry.js';
import { transformerKinds } from '../../src/preprocessing/registry.js';
import { ENSEMBLE_CASES, FAMILY_CASES } from './helpers.js';

const cases = [...FAMILY_CASES, ...ENSEMBLE_CASES];
const tested = (pick: (spec: (typeof cases)[number]['specs'][number]) => string[]) =>
  [...new Set(cases.flatMap((c) => c.specs.flatMap(pick)))].sort();

describe('portable runtime coverage', () => {
  it('knows every built-in model family, and the tests train each one', () => {
    const families = modelFamilies()
      .map((f) => f.family)
      .sort();
    expect([...EXPORTABLE_FAMILIES].sort()).toEqual(families);
    expect(tested((spec) => [spec.model.family])).toEqual(families);
  });

  it('knows every built-in preprocessing step, and the tests fit each one', () => {
    const kinds = transformerKinds()
      .map((k) => k.kind)
      .sort();
    expect([...EXPORTABLE_STEPS].sort()).toEqual(kinds);
    expect(tested((spec) => (spec.steps ?? []).map((s) => s.kind))).toEqual(kinds);
  });
});
