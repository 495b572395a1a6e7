import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { globToRegExp, hasGlobMagic, normaliseProjectPath } from './path-glob.js';
import { runProcessTree } from './process-tree.js';

/**
 * Finds the files an artifact or cache spec names, inside the project directory: `paths` (globs
 * or literal files/directories), `untracked` (git ls-files --others, .gitignore NOT applied, as
 * GitLab documents), minus `exclude`. Never follows symlinks (they are collected as links), and
 * never returns a path outside the project: such patterns are reported in `refused`.
 */
export interface CollectSpec {
  paths: readonly string[];
  exclude?: readonly string[];
  untracked: boolean;
}

export interface CollectResult {
  /** Relative '/'-separated paths of files and symlinks, sorted. */
  files: string[];
  /** Patterns refused, with why. */
  refused: Array<{ pattern: string; reason: string }>;
  /** Patterns that matched nothing. */
  unmatched: string[];
}

interface Entry {
  path: string;
  kind: 'file' | 'dir' | 'link';
}

async function walk(root: string): Promise<Entry[]> {
  const out: Entry[] = [];
  const stack = [''];
  while (stack.length) {
    const rel = stack.pop() as string;
    let names: string[];
    try {
      names = await readdir(join(root, rel));
    } catch {
      continue;
    }
    for (const name of names) {
      const path = rel === '' ? name : `${rel}/${name}`;
      if (path === '.git') continue;
      const stat = await lstat(join(root, path));
      if (stat.isSymbolicLink()) out.push({ path, kind: 'link' });
      else if (stat.isDirectory()) {
        out.push({ path, kind: 'dir' });
        stack.push(path);
      } else if (stat.isFile()) out.push({ path, kind: 'file' });
    }
  }
  return out;
}

async function untrackedFiles(projectDir: string, env: Record<string, string>): Promise<string[]> {
  const chunks: Buffer[] = [];
  const outcome = await runProcessTree({
    command: 'git',
    args: ['ls-files', '--others', '-z'],
    cwd: projectDir,
    env,
    onOutput: (chunk) => chunks.push(chunk),
    timeoutMs: 60_000,
    killGraceMs: 1000,
  });
  if (outcome.exitCode !== 0) return [];
  return Buffer.concat(chunks).toString('utf8').split('\0').filter(Boolean);
}

export async function collectFiles(projectDir: string, spec: CollectSpec, gitEnv: Record<string, string>): Promise<CollectResult> {
  const entries = await walk(projectDir);
  const selected = new Set<string>();
  const refused: CollectResult['refused'] = [];
  const unmatched: string[] = [];
  const underDir = (dir: string) => entries.filter((e) => e.kind !== 'dir' && (dir === '.' || e.path.startsWith(dir + '/')));

  for (const pattern of spec.paths) {
    const checked = normaliseProjectPath(pattern, projectDir);
    if (!checked.ok) {
      refused.push({ pattern, reason: checked.reason });
      continue;
    }
    let matched = 0;
    if (hasGlobMagic(checked.path)) {
      const re = globToRegExp(checked.path);
      for (const entry of entries) {
        if (!re.test(entry.path)) continue;
        if (entry.kind === 'dir') for (const e of underDir(entry.path)) { selected.add(e.path); matched++; }
        else { selected.add(entry.path); matched++; }
      }
    } else {
      const entry = checked.path === '.' ? { path: '.', kind: 'dir' as const } : entries.find((e) => e.path === checked.path);
      if (entry?.kind === 'dir') for (const e of underDir(entry.path)) { selected.add(e.path); matched++; }
      else if (entry) { selected.add(entry.path); matched++; }
    }
    if (matched === 0) unmatched.push(pattern);
  }
  if (spec.untracked) {
    const known = new Set(entries.filter((e) => e.kind !== 'dir').map((e) => e.path));
    for (const path of await untrackedFiles(projectDir, gitEnv)) if (known.has(path)) selected.add(path);
  }
  const excludes: RegExp[] = [];
  for (const pattern of spec.exclude ?? []) {
    const checked = normaliseProjectPath(pattern, projectDir);
    if (checked.ok) excludes.push(globToRegExp(checked.path));
  }
  const excluded = (path: string): boolean => {
    // A file is excluded when it or any directory above it matches.
    const parts = path.split('/');
    for (let i = parts.length; i > 0; i--) {
      const candidate = parts.slice(0, i).join('/');
      if (excludes.some((re) => re.test(candidate))) return true;
    }
    return false;
  };
  return { files: [...selected].filter((p) => !excluded(p)).sort(), refused, unmatched };
}
