// Adds up the linters' report, the jest JSON report and the pytest JUnit report into one closing line
// "N passed, N failed".
// Exits 1 when anything failed or a suite could not run.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.argv[2];
let passed = 0;
let failed = 0;

const lint = join(dir, 'lint.txt');
if (existsSync(lint)) {
  const checks = readFileSync(lint, 'utf8').split('\n').filter(Boolean);
  const bad = checks.filter((line) => line.startsWith('fail ')).map((line) => line.slice(5));
  passed += checks.length - bad.length;
  failed += bad.length;
  console.log(
    `lint: ${checks.length - bad.length} passed, ${bad.length} failed${bad.length ? ` (${bad.join(', ')})` : ''}`,
  );
}

const jest = JSON.parse(readFileSync(join(dir, 'jest.json'), 'utf8'));
passed += jest.numPassedTests;
failed += jest.numFailedTests + jest.numRuntimeErrorTestSuites;
console.log(
  `jest: ${jest.numPassedTests} passed, ${jest.numFailedTests} failed, ${jest.numRuntimeErrorTestSuites} suites failed to run`,
);

const junit = join(dir, 'pytest.xml');
if (existsSync(junit)) {
  const xml = readFileSync(junit, 'utf8');
  const suite = /<testsuite\b[^>]*>/.exec(xml)?.[0] ?? '';
  const attr = (name) => Number(new RegExp(`\\b${name}="(\\d+)"`).exec(suite)?.[1] ?? 0);
  const total = attr('tests');
  const bad = attr('failures') + attr('errors');
  const skipped = attr('skipped');
  passed += total - bad - skipped;
  failed += bad + skipped; // a skipped test is not a pass here
  console.log(`pytest: ${total - bad - skipped} passed, ${bad} failed, ${skipped} skipped`);
}

console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
