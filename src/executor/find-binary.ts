import { accessSync, constants } from 'node:fs';
import { delimiter, isAbsolute, join } from 'node:path';

/**
 * Resolves a program name against the RUNNER's PATH once, so that a job overriding PATH in its
 * variables cannot change which bash or bwrap the runner starts. Returns the name unchanged when
 * not found (spawn will then report the failure). A found binary is remembered per PATH: an
 * executor is made per job, and the lookup is a file check per PATH entry on the main thread.
 */
export function findBinary(name: string, searchPath = process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin'): string {
  if (isAbsolute(name) || name.includes('/')) return name;
  const key = `${name}\0${searchPath}`;
  const known = found.get(key);
  if (known !== undefined) return known;
  const resolved = lookUp(name, searchPath);
  if (resolved !== name) found.set(key, resolved);
  return resolved;
}

/** name + PATH → the binary found (misses are not kept: the binary may be installed later). */
const found = new Map<string, string>();

function lookUp(name: string, searchPath: string): string {
  for (const dir of searchPath.split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // keep looking
    }
  }
  return name;
}
