/**
 * Lists the files in a zip archive by reading its central directory — enough for an artifacts
 * browser (names, sizes); contents are fetched one by one from `/jobs/:id/artifacts/*path`.
 * Handles zip64 sizes and offsets. Throws on anything that is not a readable zip.
 */
export interface ZipEntry {
  name: string;
  size: number;
  compressedSize: number;
  directory: boolean;
}

const EOCD = 0x06054b50;
const EOCD64_LOCATOR = 0x07064b50;
const EOCD64 = 0x06064b50;
const CENTRAL = 0x02014b50;

export function listZip(buffer: ArrayBuffer): ZipEntry[] {
  const view = new DataView(buffer);
  const length = buffer.byteLength;
  let eocd = -1;
  for (let i = length - 22; i >= Math.max(0, length - 22 - 65535); i--) {
    if (view.getUint32(i, true) === EOCD) { eocd = i; break; }
  }
  if (eocd < 0) throw new Error('not a zip archive (no end of central directory)');
  let count = view.getUint16(eocd + 10, true);
  let offset = view.getUint32(eocd + 16, true);
  if ((count === 0xffff || offset === 0xffffffff) && eocd >= 20 && view.getUint32(eocd - 20, true) === EOCD64_LOCATOR) {
    const at = Number(view.getBigUint64(eocd - 20 + 8, true));
    if (view.getUint32(at, true) !== EOCD64) throw new Error('corrupt zip64 directory');
    count = Number(view.getBigUint64(at + 32, true));
    offset = Number(view.getBigUint64(at + 48, true));
  }
  const decoder = new TextDecoder();
  const entries: ZipEntry[] = [];
  let p = offset;
  for (let n = 0; n < count; n++) {
    if (p + 46 > length || view.getUint32(p, true) !== CENTRAL) throw new Error('corrupt zip central directory');
    let compressedSize = view.getUint32(p + 20, true);
    let size = view.getUint32(p + 24, true);
    const nameLength = view.getUint16(p + 28, true);
    const extraLength = view.getUint16(p + 30, true);
    const commentLength = view.getUint16(p + 32, true);
    const name = decoder.decode(new Uint8Array(buffer, p + 46, nameLength));
    // zip64 extra field (id 0x0001) carries the real sizes when the 32-bit ones are saturated.
    let e = p + 46 + nameLength;
    const end = e + extraLength;
    while (e + 4 <= end) {
      const id = view.getUint16(e, true);
      const len = view.getUint16(e + 2, true);
      if (id === 0x0001) {
        let q = e + 4;
        if (size === 0xffffffff) { size = Number(view.getBigUint64(q, true)); q += 8; }
        if (compressedSize === 0xffffffff) { compressedSize = Number(view.getBigUint64(q, true)); }
      }
      e += 4 + len;
    }
    entries.push({ name, size, compressedSize, directory: name.endsWith('/') });
    p = end + commentLength;
  }
  return entries;
}
