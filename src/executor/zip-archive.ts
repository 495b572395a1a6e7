import { createWriteStream } from 'node:fs';
import { lstat, mkdir, readlink, realpath, rm, symlink } from 'node:fs/promises';
import { dirname, join, posix, relative, sep } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createRequire } from 'node:module';
import type * as Yauzl from 'yauzl';
import type * as Yazl from 'yazl';
import { AppError } from '../shared/index.js';

// The zip libraries are loaded on first use: most jobs pass no artifacts or caches, and a local
// run would load them (~10 ms) for nothing.
const load = createRequire(import.meta.url);
let yauzlModule: typeof Yauzl | undefined;
let yazlModule: typeof Yazl | undefined;
const yauzl = () => (yauzlModule ??= load('yauzl') as typeof Yauzl);
const yazl = () => (yazlModule ??= load('yazl') as typeof Yazl);

/**
 * Zip archives for artifacts and caches. Creating stores regular files and symlinks (as links,
 * never their targets). Extracting is defensive: an entry whose name is absolute, contains `..`
 * or a backslash, or a symlink pointing outside the destination, rejects the whole archive; no
 * entry is ever written through a symlink that leads outside the destination.
 */
const S_IFMT = 0o170000;
const S_IFLNK = 0o120000;
const S_IFDIR = 0o040000;

export type ArchivePathCheck = { ok: true; path: string } | { ok: false; reason: string };

/** Decides whether a zip entry name is a safe relative path. Pure. */
export function checkArchivePath(name: string): ArchivePathCheck {
  if (name === '') return { ok: false, reason: 'empty name' };
  if (name.includes('\\')) return { ok: false, reason: 'backslash in name' };
  if (name.includes('\0')) return { ok: false, reason: 'NUL in name' };
  if (name.startsWith('/') || /^[A-Za-z]:/.test(name)) return { ok: false, reason: 'absolute path' };
  const parts = name.split('/');
  if (parts.some((part) => part === '..')) return { ok: false, reason: "'..' in path" };
  const normal = posix.normalize(name);
  if (normal === '.' || normal === './') return { ok: false, reason: 'empty name' };
  return { ok: true, path: normal };
}

/** Writes `files` (relative to `root`) into a new zip at `zipPath`. */
export async function createZip(root: string, files: readonly string[], zipPath: string): Promise<void> {
  const zip = new (yazl().ZipFile)();
  for (const file of files) {
    const full = join(root, file);
    const stat = await lstat(full);
    if (stat.isSymbolicLink()) {
      zip.addBuffer(Buffer.from(await readlink(full)), file, { mode: S_IFLNK | 0o777, mtime: stat.mtime });
    } else if (stat.isFile()) {
      zip.addFile(full, file, { mode: stat.mode, mtime: stat.mtime });
    }
  }
  zip.end();
  await pipeline(zip.outputStream, createWriteStream(zipPath));
}

function inside(base: string, target: string): boolean {
  const rel = relative(base, target);
  return rel === '' || (!rel.startsWith('..' + sep) && rel !== '..' && !rel.startsWith('/'));
}

function openZip(path: string): Promise<Yauzl.ZipFile> {
  return new Promise((resolve, reject) => {
    yauzl().open(path, { lazyEntries: true, decodeStrings: true, validateEntrySizes: true }, (error, zip) => {
      if (error) reject(error);
      else resolve(zip);
    });
  });
}

/** Extracts a zip into `dest` (created if missing). Returns the number of entries written. */
export async function extractZip(zipPath: string, dest: string): Promise<number> {
  await mkdir(dest, { recursive: true });
  const base = await realpath(dest);
  let zip: Yauzl.ZipFile;
  try {
    zip = await openZip(zipPath);
  } catch (error) {
    throw new AppError('validation_failed', `open archive: ${(error as Error).message}`, { cause: error });
  }
  let written = 0;
  try {
    await new Promise<void>((resolve, reject) => {
      const fail = (error: unknown) => {
        zip.close();
        reject(error);
      };
      zip.on('error', (error: Error) => fail(new AppError('validation_failed', `read archive: ${error.message}`, { cause: error })));
      zip.on('end', () => resolve());
      zip.on('entry', (entry: Yauzl.Entry) => {
        extractEntry(zip, entry, base).then((count) => {
          written += count;
          zip.readEntry();
        }, fail);
      });
      zip.readEntry();
    });
  } finally {
    zip.close();
  }
  return written;
}

/**
 * Creates the directories of an entry one level at a time, checking before each step that what
 * exists already (possibly a symlink from the checkout or an earlier entry) stays inside `base`:
 * nothing is created outside, not even an empty directory.
 */
async function ensureDirInside(base: string, parts: readonly string[], entryName: string): Promise<void> {
  let current = base;
  for (const part of parts) {
    if (part === '' || part === '.') continue;
    current = join(current, part);
    let real: string | null = null;
    try {
      real = await realpath(current);
    } catch {
      real = null;
    }
    if (real === null) {
      try {
        await mkdir(current);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      real = await realpath(current);
    }
    if (!inside(base, real)) throw new AppError('validation_failed', `archive entry '${entryName}' rejected: leads outside the destination`);
    current = real;
  }
}

async function extractEntry(zip: Yauzl.ZipFile, entry: Yauzl.Entry, base: string): Promise<number> {
  const checked = checkArchivePath(entry.fileName);
  if (!checked.ok) throw new AppError('validation_failed', `archive entry '${entry.fileName}' rejected: ${checked.reason}`);
  const mode = (entry.externalFileAttributes >>> 16) & 0xffff;
  const isDir = entry.fileName.endsWith('/') || (mode & S_IFMT) === S_IFDIR;
  const target = join(base, checked.path);
  const parts = checked.path.replace(/\/$/, '').split('/');
  await ensureDirInside(base, isDir ? parts : parts.slice(0, -1), entry.fileName);
  if (isDir) return 0;
  await rm(target, { force: true, recursive: false }).catch(() => undefined);
  const stream = await new Promise<NodeJS.ReadableStream>((resolve, reject) => {
    zip.openReadStream(entry, (error, s) => (error ? reject(error) : resolve(s)));
  });
  if ((mode & S_IFMT) === S_IFLNK) {
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    const link = Buffer.concat(chunks).toString('utf8');
    const resolved = posix.isAbsolute(link) ? link : join(dirname(target), link);
    if (!inside(base, resolved)) throw new AppError('validation_failed', `archive entry '${entry.fileName}' rejected: symlink leads outside the destination`);
    await symlink(link, target);
    return 1;
  }
  const fileMode = (mode & 0o777) || 0o644;
  await pipeline(stream, createWriteStream(target, { mode: fileMode, flags: 'wx' }));
  return 1;
}
