import { accessSync, constants } from 'node:fs';
import { delimiter, isAbsolute, join } from 'node:path';

/**
 * Resolves a program name against the RUNNER's PATH once, so that a job overriding PATH in its
 * variables cannot change which bash or bwrap the runner starts. Returns the name unchanged when
 * not found (spawn will then report the failure).
 */
export function findBinary(name: string, searchPath = process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin'): string {
  if (isAbsolute(name) || name.includes('/')) return name;
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
