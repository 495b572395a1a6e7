import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

export const WEB_DIST = join(import.meta.dirname, '..', '..', '..', 'web', 'dist');

/** The built UI; builds it (about a second) when a fresh checkout has not yet. */
export function ensureWebBuilt(): string {
  if (!existsSync(join(WEB_DIST, 'index.html'))) {
    const result = spawnSync('npm', ['run', 'build:web'], { cwd: join(WEB_DIST, '..', '..'), stdio: 'inherit' });
    if (result.status !== 0) throw new Error('npm run build:web failed');
  }
  return WEB_DIST;
}
