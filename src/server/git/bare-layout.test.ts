import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { writeBareLayout } from './bare-layout.js';

function tree(root: string, dir = root): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? [`${relative(root, path)}/`, ...tree(root, path)] : [relative(root, path)];
  }).sort();
}

const git = (args: string[]) => execFileSync('git', args, { encoding: 'utf8', env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1', HOME: '/nonexistent' } }).trim();

test('writes what git init --bare --template= writes, and git takes it as a bare repository on that branch', async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'runnel-bare-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const byGit = join(root, 'git.git');
  const byHand = join(root, 'hand.git');
  git(['init', '-q', '--bare', '--template=', '--initial-branch=feature/x', byGit]);
  await writeBareLayout(byHand, 'feature/x', '[receive]\n\tfsckObjects = true\n');
  assert.deepEqual(tree(byHand), tree(byGit));
  assert.equal(readFileSync(join(byHand, 'HEAD'), 'utf8'), readFileSync(join(byGit, 'HEAD'), 'utf8'));
  const config = (dir: string) => git(['config', '--file', join(dir, 'config'), '--list']).split('\n');
  assert.deepEqual(config(byHand), [...config(byGit), 'receive.fsckobjects=true']);
  assert.equal(git(['--git-dir', byHand, 'rev-parse', '--is-bare-repository']), 'true');
  assert.equal(git(['--git-dir', byHand, 'symbolic-ref', 'HEAD']), 'refs/heads/feature/x');
  assert.equal(git(['--git-dir', byHand, 'rev-parse', '--show-object-format']), 'sha1');
});
