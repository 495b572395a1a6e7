import type { Readable } from 'node:stream';
import yauzl from 'yauzl';

/**
 * One file out of a zip archive, streamed; null when the archive has no such file (directories
 * included). The name is checked first: no absolute paths, no `..` segments, no backslashes,
 * so a request can never name anything but an entry of this archive.
 */
export function safeEntryName(path: string): string | null {
  if (!path || path.startsWith('/') || path.includes('\\') || path.includes('\0')) return null;
  const parts = path.split('/');
  if (parts.some((p) => p === '..' || p === '.')) return null;
  return path;
}

export function openZipEntry(zipPath: string, name: string): Promise<{ stream: Readable; size: number } | null> {
  return new Promise((resolve, reject) => {
    yauzl.open(zipPath, { lazyEntries: true, autoClose: true }, (error, zip) => {
      if (error || !zip) { reject(error ?? new Error('zip open failed')); return; }
      let done = false;
      zip.on('entry', (entry: yauzl.Entry) => {
        if (entry.fileName !== name) { zip.readEntry(); return; }
        done = true;
        zip.openReadStream(entry, (err, stream) => {
          if (err || !stream) { zip.close(); reject(err ?? new Error('zip entry unreadable')); return; }
          resolve({ stream, size: entry.uncompressedSize });
        });
      });
      zip.on('end', () => { if (!done) { resolve(null); } });
      zip.on('error', (err: Error) => { if (!done) reject(err); });
      zip.readEntry();
    });
  });
}
