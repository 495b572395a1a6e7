/**
 * Parses `git cat-file --batch` output, pure. Per requested name git writes either
 * `<oid> <type> <size>\n<size bytes>\n`, or one line `<name> missing` / `<name> ambiguous`
 * (→ null). Works on a prefix of the stream: it takes the complete entries at the front and
 * says how many bytes they used, so a reader can feed it chunks as they arrive.
 */
export interface BatchObject {
  oid: string;
  type: string;
  size: number;
  body: Buffer;
}

const HEADER = /^([0-9a-f]{40}|[0-9a-f]{64}) (\S+) (\d+)$/;

export function parseBatchOutput(data: Buffer, wanted: number): { objects: Array<BatchObject | null>; consumed: number } {
  const objects: Array<BatchObject | null> = [];
  let at = 0;
  while (objects.length < wanted) {
    const newline = data.indexOf(0x0a, at);
    if (newline < 0) break;
    const match = HEADER.exec(data.subarray(at, newline).toString('utf8'));
    if (!match) {
      objects.push(null);
      at = newline + 1;
      continue;
    }
    const size = Number(match[3]);
    const end = newline + 1 + size;
    // The body and the newline after it must both have arrived.
    if (data.length < end + 1) break;
    objects.push({ oid: match[1]!, type: match[2]!, size, body: data.subarray(newline + 1, end) });
    at = end + 1;
  }
  return { objects, consumed: at };
}
