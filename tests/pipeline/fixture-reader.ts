/**
 * A RepositoryReader over a fixture folder (the folder is the repository root), plus the default
 * run context that a fixture's context.json overrides.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { RepositoryReader, RunContext } from '../../src/pipeline/index.js';

export function folderReader(root: string, extra: { changedSince?: Record<string, string[] | null> } = {}): RepositoryReader {
  const list = (): string[] => {
    const out: string[] = [];
    const walk = (dir: string): void => {
      for (const name of readdirSync(dir)) {
        const path = join(dir, name);
        if (statSync(path).isDirectory()) walk(path); else out.push(relative(root, path).split('\\').join('/'));
      }
    };
    walk(root);
    return out.sort();
  };
  return {
    readFile: (path) => {
      try { return readFileSync(join(root, path), 'utf8'); } catch { return null; }
    },
    listFiles: () => list(),
    hashFiles: (paths) => {
      const hash = createHash('sha1');
      let found = false;
      for (const p of paths) {
        try { hash.update(readFileSync(join(root, p))); found = true; } catch { /* missing file */ }
      }
      return found ? hash.digest('hex') : null;
    },
    changedPathsSince: (ref) => extra.changedSince?.[ref] ?? null,
  };
}

export function defaultContext(overrides: Partial<RunContext> = {}): RunContext {
  return {
    ref: 'main',
    tag: false,
    sha: '1234567890abcdef1234567890abcdef12345678',
    beforeSha: '0000000000000000000000000000000000000000',
    source: 'push',
    changedPaths: null,
    project: { id: 7, path: 'acme/widgets', namespace: 'acme', defaultBranch: 'main', url: 'https://runnel.test/acme/widgets' },
    pipeline: { id: 100, iid: 3 },
    user: { id: 1, login: 'root', name: 'Admin' },
    ...overrides,
  };
}
