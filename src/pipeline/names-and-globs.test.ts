import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { fnmatch, includeWildcard } from './glob.js';
import { expandedNames, matrixCombinations } from './parallel.js';
import { slugify } from './slug.js';
import { expandAll, expandExisting } from './variable-expansion.js';

test('parallel names: "job i/N" and "job: [a, b]" in matrix order', () => {
  assert.deepEqual(expandedNames('test', { kind: 'count', total: 3 }), ['test 1/3', 'test 2/3', 'test 3/3']);
  const combos = matrixCombinations([{ P: ['aws', 'gcp'], S: ['x', 'y'] } as never, { P: 'azure' } as never]);
  assert.ok(Array.isArray(combos));
  assert.deepEqual(expandedNames('deploy', { kind: 'matrix', combinations: combos as Array<Record<string, string>> }),
    ['deploy: [aws, x]', 'deploy: [aws, y]', 'deploy: [gcp, x]', 'deploy: [gcp, y]', 'deploy: [azure]']);
});

test('fnmatch: * stays in a directory, **/ spans directories, braces and classes', () => {
  assert.equal(fnmatch('*.md', 'README.md'), true);
  assert.equal(fnmatch('*.md', 'docs/a.md'), false);
  assert.equal(fnmatch('docs/**/*', 'docs/a/b/c.txt'), true);
  assert.equal(fnmatch('docs/**/*', 'docs/top.txt'), true);
  assert.equal(fnmatch('**/*.go', 'main.go'), true);
  assert.equal(fnmatch('src/{api,web}/*.ts', 'src/web/x.ts'), true);
  assert.equal(fnmatch('src/{api,web}/*.ts', 'src/cli/x.ts'), false);
  assert.equal(fnmatch('file[0-9].txt', 'file7.txt'), true);
  assert.equal(fnmatch('?.txt', 'ab.txt'), false);
  assert.equal(fnmatch('*', '.hidden'), true, 'FNM_DOTMATCH');
});

test('include wildcards: * within a directory, ** across', () => {
  assert.equal(includeWildcard('configs/*.yml', 'configs/a.yml'), true);
  assert.equal(includeWildcard('configs/*.yml', 'configs/sub/a.yml'), false);
  assert.equal(includeWildcard('configs/**.yml', 'configs/sub/a.yml'), true);
});

test('slugify like CI_COMMIT_REF_SLUG', () => {
  assert.equal(slugify('Feature/Login_Page'), 'feature-login-page');
  assert.equal(slugify('-x-'), 'x');
  assert.equal(slugify('a'.repeat(80)).length, 63);
});

test('expandExisting: $X, ${X}, %X%, unknown kept, $$ kept', () => {
  const vars: Record<string, string> = { A: 'one', B: 'two' };
  const lookup = (k: string): string | undefined => vars[k];
  assert.equal(expandExisting('$A-${B}-%A%-$C-$$A', lookup), 'one-two-one-$C-$$A');
});

test('expandAll resolves chains and reports cycles', () => {
  const ok = expandAll([{ key: 'A', value: 'x', expand: true }, { key: 'B', value: '$A/y', expand: true }, { key: 'C', value: '${B}/z', expand: true }]);
  assert.equal(ok.values.get('C'), 'x/y/z');
  const raw = expandAll([{ key: 'A', value: 'x', expand: true }, { key: 'B', value: '$A', expand: false }]);
  assert.equal(raw.values.get('B'), '$A');
  const cyc = expandAll([{ key: 'A', value: '$B', expand: true }, { key: 'B', value: '$A', expand: true }]);
  assert.ok(cyc.cycle);
});
