// The kernelspec installer and the install command's options.
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseInstallArgs } from '../src/cli.js';
import { DISPLAY_NAME, installKernelSpec, kernelsDir } from '../src/install.js';

describe('installKernelSpec', () => {
  it('writes kernel.json with absolute paths, typescript and message interrupts under the prefix', () => {
    const prefix = mkdtempSync(path.join(os.tmpdir(), 'beemind-install-'));
    const dir = installKernelSpec({ scope: { kind: 'prefix', prefix } });
    expect(dir).toBe(path.join(prefix, 'share', 'jupyter', 'kernels', 'beemind'));
    const spec = JSON.parse(readFileSync(path.join(dir, 'kernel.json'), 'utf8'));
    expect(spec).toMatchObject({
      display_name: DISPLAY_NAME,
      language: 'typescript',
      interrupt_mode: 'message',
    });
    expect(spec.argv[0]).toBe(process.execPath);
    expect(path.isAbsolute(spec.argv[1])).toBe(true);
    expect(spec.argv[1]).toMatch(/main\.js$/);
    expect(spec.argv[2]).toBe('{connection_file}');
    expect(existsSync(path.join(dir, 'logo-svg.svg'))).toBe(true);
  });

  it('puts --user specs in the Jupyter data directory', () => {
    const previous = process.env.JUPYTER_DATA_DIR;
    process.env.JUPYTER_DATA_DIR = '/tmp/some-data-dir';
    try {
      expect(kernelsDir({ kind: 'user' })).toBe('/tmp/some-data-dir/kernels');
    } finally {
      if (previous === undefined) delete process.env.JUPYTER_DATA_DIR;
      else process.env.JUPYTER_DATA_DIR = previous;
    }
  });
});

describe('parseInstallArgs', () => {
  it('reads the scope and names', () => {
    expect(parseInstallArgs([])).toEqual({ scope: { kind: 'user' } });
    expect(parseInstallArgs(['--sys-prefix']).scope).toEqual({ kind: 'sys-prefix' });
    expect(parseInstallArgs(['--prefix', '/opt/x', '--name', 'bm', '--display-name', 'BM'])).toEqual({
      scope: { kind: 'prefix', prefix: '/opt/x' },
      name: 'bm',
      displayName: 'BM',
    });
    expect(parseInstallArgs(['--prefix=/opt/y']).scope).toEqual({ kind: 'prefix', prefix: '/opt/y' });
  });

  it('rejects unknown options, missing values and two scopes with a clear message', () => {
    expect(() => parseInstallArgs(['--bogus'])).toThrow(/Unknown option --bogus/);
    expect(() => parseInstallArgs(['--prefix'])).toThrow(/--prefix needs a value/);
    expect(() => parseInstallArgs(['--user', '--sys-prefix'])).toThrow(/Choose one of/);
  });
});
