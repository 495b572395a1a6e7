/**
 * Replaces secrets by `[MASKED]` in a byte stream that arrives in arbitrary chunks. A secret may
 * be split across chunks, so the masker holds back the end of what it has seen — from the first
 * of the last (longest secret − 1) bytes where a secret could still begin — until more data (or
 * the end) shows whether it is one. Everything it returns is final: no later chunk can turn it
 * into part of a secret. Pure; no I/O.
 */
const MASK = Buffer.from('[MASKED]');

export interface StreamMasker {
  /** Feeds a chunk; returns the bytes that are now safe to emit (possibly empty). */
  push(chunk: Uint8Array): Buffer;
  /** Ends the stream; returns whatever was held back, masked. */
  end(): Buffer;
}

export function createStreamMasker(secrets: readonly string[]): StreamMasker {
  // Longest first, so that when two secrets start at the same byte the longer one wins.
  const needles = [...new Set(secrets.filter((s) => s.length > 0))]
    .map((s) => Buffer.from(s, 'utf8'))
    .sort((a, b) => b.length - a.length);
  const maxLength = needles[0]?.length ?? 0;
  // Bytes a secret starts with: the tail scan below compares only where one of them sits.
  const starts = new Uint8Array(256);
  for (const needle of needles) starts[needle[0]!] = 1;
  let pending: Buffer = Buffer.alloc(0);

  function process(data: Buffer, final: boolean): Buffer {
    if (needles.length === 0) return data;
    // A match starting before `boundary` fits entirely in `data` whatever its length, so the
    // choice made there is final; matches starting later wait for more data.
    const boundary = final ? data.length : data.length - (maxLength - 1);
    const out: Buffer[] = [];
    let emitted = 0;
    let pos = 0;
    while (pos < boundary) {
      let best = -1;
      let bestNeedle: Buffer | undefined;
      for (const needle of needles) {
        const at = data.indexOf(needle, pos);
        if (at !== -1 && at < boundary && (best === -1 || at < best)) {
          best = at;
          bestNeedle = needle;
        }
      }
      if (bestNeedle === undefined) break;
      out.push(data.subarray(emitted, best), MASK);
      emitted = best + bestNeedle.length;
      pos = emitted;
    }
    // After the boundary, only a tail that could still become a secret is held back: from the
    // first byte where some secret matches whole or as far as the data goes. A job that prints a
    // line and then works in silence shows that line at once, not once it prints more.
    let safeEnd = data.length;
    for (let at = Math.max(emitted, boundary, 0); at < data.length; at++) {
      if (starts[data[at]!] === 1 && needles.some((needle) => couldStartAt(data, at, needle))) {
        safeEnd = at;
        break;
      }
    }
    out.push(data.subarray(emitted, safeEnd));
    pending = Buffer.from(data.subarray(safeEnd));
    return Buffer.concat(out);
  }

  function couldStartAt(data: Buffer, at: number, needle: Buffer): boolean {
    const n = Math.min(needle.length, data.length - at);
    return data.compare(needle, 0, n, at, at + n) === 0;
  }

  return {
    push(chunk) {
      const data = pending.length ? Buffer.concat([pending, chunk]) : Buffer.from(chunk);
      pending = Buffer.alloc(0);
      return process(data, false);
    },
    end() {
      const data = pending;
      pending = Buffer.alloc(0);
      return process(data, true);
    },
  };
}
