// Guards over the extension's files: settings defaults equal schema/plugin.json, kernel strings never reach
// an HTML parser, and the package metadata JupyterLab reads is consistent.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_SETTINGS, readSettings } from '../src/settings.js';

const root = new URL('..', import.meta.url).pathname;

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : path.endsWith('.ts') ? [path] : [];
  });
}

describe('extension sources', () => {
  it('never parse strings as HTML', () => {
    const offenders = sources(join(root, 'src')).filter((file) =>
      /\.innerHTML\b|\.outerHTML\b|insertAdjacentHTML|createContextualFragment|DOMParser|document\.write/.test(
        readFileSync(file, 'utf8'),
      ),
    );
    expect(offenders).toEqual([]);
  });

  it('open every module with a one-line comment of what it contains', () => {
    const bare = sources(join(root, 'src')).filter(
      (file) => !/^(\/\*\*|\/\/)/.test(readFileSync(file, 'utf8')),
    );
    expect(bare).toEqual([]);
  });

  it('declare the defaults of schema/plugin.json', () => {
    const schema = JSON.parse(readFileSync(join(root, 'schema', 'plugin.json'), 'utf8')) as {
      properties: Record<string, { default: unknown }>;
    };
    const defaults = Object.fromEntries(Object.entries(schema.properties).map(([k, v]) => [k, v.default]));
    expect(defaults).toEqual({ ...DEFAULT_SETTINGS });
  });

  it('fall back to the defaults for missing or bad settings', () => {
    expect(readSettings(null)).toEqual(DEFAULT_SETTINGS);
    expect(
      readSettings({
        refreshIntervalMs: -3,
        edgeLabels: 'sometimes',
        autoRequestImportance: 'yes',
        leaderboardRows: 12.7,
      }),
    ).toEqual({
      ...DEFAULT_SETTINGS,
      leaderboardRows: 12,
    });
  });

  it('name the plugin after the npm package, as JupyterLab expects', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
      name: string;
      jupyterlab: { schemaDir: string; extension: boolean };
    };
    const index = readFileSync(join(root, 'src', 'index.ts'), 'utf8');
    expect(index).toContain(`'${pkg.name}:plugin'`);
    expect(pkg.jupyterlab.extension).toBe(true);
    expect(pkg.jupyterlab.schemaDir).toBe('schema');
  });
});
