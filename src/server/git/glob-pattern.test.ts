import { test } from 'node:test';
import assert from 'node:assert/strict';
import { matchesGlob } from './glob-pattern.js';

test('star and question mark stay within one path segment', () => {
  assert.equal(matchesGlob('*.ts', 'a.ts'), true);
  assert.equal(matchesGlob('*.ts', 'src/a.ts'), false);
  assert.equal(matchesGlob('src/?.ts', 'src/a.ts'), true);
  assert.equal(matchesGlob('src/?.ts', 'src/ab.ts'), false);
});

test('double star matches zero or more directories, and everything when trailing', () => {
  assert.equal(matchesGlob('**/*.ts', 'a.ts'), true);
  assert.equal(matchesGlob('**/*.ts', 'src/deep/a.ts'), true);
  assert.equal(matchesGlob('docs/**/*.md', 'docs/a.md'), true);
  assert.equal(matchesGlob('docs/**/*.md', 'docs/x/y/a.md'), true);
  assert.equal(matchesGlob('docs/**', 'docs/x/y/a.md'), true);
  assert.equal(matchesGlob('docs/**', 'other/a.md'), false);
});

test('braces, classes and escapes', () => {
  assert.equal(matchesGlob('*.{js,ts}', 'a.js'), true);
  assert.equal(matchesGlob('*.{js,ts}', 'a.rb'), false);
  assert.equal(matchesGlob('file[0-9].txt', 'file3.txt'), true);
  assert.equal(matchesGlob('file[!0-9].txt', 'file3.txt'), false);
  assert.equal(matchesGlob('file[!0-9].txt', 'filex.txt'), true);
  assert.equal(matchesGlob('a\\*b', 'a*b'), true);
  assert.equal(matchesGlob('a\\*b', 'axb'), false);
  assert.equal(matchesGlob('a.b', 'axb'), false);
});

test('wildcards match dot files, as GitLab does with FNM_DOTMATCH', () => {
  assert.equal(matchesGlob('*.yml', '.gitlab-ci.yml'), true);
  assert.equal(matchesGlob('./Dockerfile', 'Dockerfile'), true);
});

test('hyphens and other punctuation are literal outside classes', () => {
  assert.equal(matchesGlob('my-file.txt', 'my-file.txt'), true);
  assert.equal(matchesGlob('a+b(1).txt', 'a+b(1).txt'), true);
  assert.equal(matchesGlob('[a-c]-x', 'b-x'), true);
});
