// How a thrown error reaches the notebook: an error the library explains (a BeeMindError's stable code) shows its
// message and the cell's own lines, not the library's frames; any other error keeps every frame but the kernel's.
import { errorContent, ScriptRegistry } from '../src/worker/traceback.js';

const LIBRARY_FRAME =
  '    at selectFeatures (file:///project/node_modules/beemind/dist/trained/trained_model.js:69:15)';

function thrown(message: string, code?: string): Error {
  const error = Object.assign(new Error(message), code ? { code } : {});
  error.name = code ? 'DataError' : 'TypeError';
  error.stack = `${error.name}: ${message}\n${LIBRARY_FRAME}\n    at file:///project/cell_3.js:2:7`;
  return error;
}

describe('errorContent', () => {
  it("leaves the library's frames out of an error it explains", () => {
    const content = errorContent(thrown('column age held numbers', 'data.bad_value'), new ScriptRegistry());
    expect(content.ename).toBe('DataError');
    expect(content.evalue).toBe('column age held numbers');
    expect(content.traceback.join('\n')).not.toMatch(/node_modules\/beemind/);
  });

  it('keeps the frames of any other error', () => {
    const content = errorContent(
      thrown("Cannot read properties of undefined (reading 'map')"),
      new ScriptRegistry(),
    );
    expect(content.traceback).toContain(LIBRARY_FRAME);
  });
});
