// The repository is self-contained: no file reads a path outside it, such as a `shared/` folder beside the
// checkout (reached through `..` or an absolute path). Datasets ship in beemind/datasets/ instead.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SELF = relative(ROOT, fileURLToPath(import.meta.url));
// The sample paths below are assembled, so this file itself names no path outside the repository.
const UP = '..';
const BESIDE = 'shared';

/** Paths that leave the repository. Ordinary relative imports such as `../src/x.js` do not match. */
const OUTSIDE = [
  /(?<![\w.])(?:\.\.[/\\])+shared(?![\w.-])/, // one or more `..` segments, then `shared`
  /['"]\.\.['"]\s*[,/]\s*['"]shared['"]/, // join(root, '..', 'shared'), Path('..') / 'shared'
  /(?<![\w.])\/(?:[\w.-]+\/)+shared\//, // an absolute path into a `shared/` folder, e.g. /srv/shared/datasets
];

/** Files in the repository: tracked ones plus new ones not ignored by .gitignore. */
function repositoryFiles(): string[] {
  const out = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
    cwd: ROOT,
    maxBuffer: 64 * 1024 * 1024,
  });
  return [...new Set(out.toString('utf8').split('\0').filter(Boolean))];
}

describe('the repository is self-contained', () => {
  it('the patterns catch paths that leave the repository and spare ordinary relative paths', () => {
    const leaves = (line: string) => OUTSIDE.some((re) => re.test(line));
    for (const line of [
      `readCSV('${UP}/${BESIDE}/datasets/iris.csv')`,
      `readCSV('${UP}/${UP}/${BESIDE}/datasets/iris.csv')`,
      `new URL('${UP}/${UP}/${UP}/${UP}/${UP}/${BESIDE}/datasets/iris.csv', import.meta.url)`,
      `join(root, '${UP}/${BESIDE}/datasets', name)`,
      "resolve(root, '..', 'shared')",
      '(REPO / ".." / "shared").resolve()',
      `cat /srv/${BESIDE}/datasets/iris.csv`,
    ]) {
      expect([line, leaves(line)]).toEqual([line, true]);
    }
    for (const line of [
      "import { x } from '../src/shared.js';",
      `import { y } from '${UP}/${BESIDE}.js';`,
      "import { toShared } from './shared_memory.js';",
      "new URL('../../datasets/', import.meta.url)",
      'beemind/datasets/iris.csv',
      'context.shared(key)',
    ]) {
      expect([line, leaves(line)]).toEqual([line, false]);
    }
  });

  it('no file refers to a path outside the repository', () => {
    const files = repositoryFiles();
    expect(files.length).toBeGreaterThan(50);
    const offenders: string[] = [];
    for (const file of files) {
      if (file === SELF) continue;
      const path = join(ROOT, file);
      if (!existsSync(path)) continue; // deleted in the work tree, not yet in the index
      const bytes = readFileSync(path);
      if (bytes.includes(0)) continue; // binary
      bytes
        .toString('utf8')
        .split('\n')
        .forEach((line, i) => {
          if (OUTSIDE.some((re) => re.test(line)))
            offenders.push(`${file}:${i + 1}: ${line.trim().slice(0, 160)}`);
        });
    }
    expect(offenders).toEqual([]);
  });
});
