import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * A new, empty bare repository written as files: what `git init --bare --template=
 * --initial-branch=<branch>` writes on Linux (HEAD, a config of three core keys, objects/info,
 * objects/pack, refs/heads, refs/tags), plus `extraConfig` appended to the config. Written by
 * hand because it is the same few files every time, and the `git init` process was the largest
 * part of creating a project (a local run creates one per run); and because it fixes the object
 * format at SHA-1, which Runnel's object ids assume, whatever a user's `init.defaultObjectFormat`
 * says. bare-layout.test.ts holds it against `git init`. `branch` must be a checked ref name.
 */
export async function writeBareLayout(dir: string, branch: string, extraConfig: string): Promise<void> {
  await mkdir(dir);
  await Promise.all([
    mkdir(join(dir, 'objects', 'info'), { recursive: true }).then(() => mkdir(join(dir, 'objects', 'pack'))),
    mkdir(join(dir, 'refs', 'heads'), { recursive: true }).then(() => mkdir(join(dir, 'refs', 'tags'))),
    writeFile(join(dir, 'HEAD'), `ref: refs/heads/${branch}\n`),
    writeFile(join(dir, 'config'), `[core]\n\trepositoryformatversion = 0\n\tfilemode = true\n\tbare = true\n${extraConfig}`),
  ]);
}
