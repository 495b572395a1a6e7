import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Temporary directories of this test process, deleted when it exits. */
const temporary: string[] = [];
process.once('exit', () => { for (const dir of temporary) rmSync(dir, { recursive: true, force: true }); });

/** A new directory under the system's temporary directory, deleted when this test process exits. */
export function temporaryDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  temporary.push(dir);
  return dir;
}
