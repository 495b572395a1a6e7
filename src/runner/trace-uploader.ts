import type { TraceResult } from '../protocol/index.js';

/**
 * Sends a job's log to the server in order, one request at a time, each from the offset the
 * server holds, in batches: output is held for up to `flushDelayMs` (or until `maxRequestBytes`
 * are waiting) and goes as one request. A job writes many small pieces — section markers, runner
 * messages, short script output — and each request costs the server a lease renewal and database
 * writes, so a short job now costs one or two requests instead of ten. The hold is a live-log
 * delay only: `drained()`, which the runner awaits before reporting the job finished, sends what
 * is held at once, so no job ends later for it. (gitlab-runner holds output for 3 s.)
 *
 * Acknowledgement is per request: bytes count as stored only once the server answered for them,
 * as before; output still held when the runner dies is lost, as output not yet sent always was.
 */
export interface TraceUploaderOptions {
  send(offset: number, data: Uint8Array): Promise<TraceResult>;
  /** Every answer's job status (the runner stops a job the server cancels). */
  onStatus(status: string): void;
  onError(error: unknown): void;
  /** Most bytes in one request; this much waiting is sent without waiting. Default 1 MiB. */
  maxRequestBytes?: number;
  /** Longest time output is held before it is sent. Default 200 ms. */
  flushDelayMs?: number;
  /** Pause before retry N (1-based) after a failed request. Default 200 ms × N. */
  retryDelayMs?(attempt: number): number;
  attempts?: number;
}

export interface TraceUploader {
  /** Queues output; returns at once. */
  append(chunk: Uint8Array): void;
  /** Sends what is held now; resolves when everything appended so far was sent (or given up on). */
  drained(): Promise<void>;
  /**
   * Ends the upload: once the request in flight (if any) is answered, hands over what is still
   * held, with the offset it goes at, for the caller to deliver (null when nothing is held).
   * Nothing is sent after it.
   */
  takeRest(): Promise<{ offset: number; data: Uint8Array } | null>;
}

export function createTraceUploader(options: TraceUploaderOptions): TraceUploader {
  const maxBytes = options.maxRequestBytes ?? 1024 * 1024;
  const attempts = options.attempts ?? 5;
  const retryDelay = options.retryDelayMs ?? ((n: number) => 200 * n);
  const flushDelayMs = options.flushDelayMs ?? 200;
  const queue: Uint8Array[] = [];
  let queuedBytes = 0;
  let offset = 0;
  let sending: Promise<void> | null = null;
  let timer: NodeJS.Timeout | null = null;
  /** Set by takeRest: the request in flight is the last one sent. */
  let ended = false;

  /** The next request's bytes: queued chunks, whole, up to maxBytes (a bigger chunk is split). */
  function takeBatch(): Uint8Array {
    const parts: Uint8Array[] = [];
    let size = 0;
    while (queue.length > 0 && size < maxBytes) {
      const head = queue[0]!;
      const room = maxBytes - size;
      if (head.length <= room) { parts.push(head); size += head.length; queue.shift(); continue; }
      parts.push(head.subarray(0, room));
      queue[0] = head.subarray(room);
      size += room;
    }
    queuedBytes -= size;
    return parts.length === 1 ? parts[0]! : Buffer.concat(parts, size);
  }

  async function sendOne(data: Uint8Array): Promise<void> {
    for (let attempt = 0; attempt < attempts; attempt++) {
      try {
        const r = await options.send(offset, data);
        options.onStatus(r.status);
        if (r.ok) { offset = r.size; return; }
        // Already stored (a retry of a request whose answer was lost): move on.
        if (r.size >= offset + data.length) { offset = r.size; return; }
        offset = r.size;
      } catch (error) {
        options.onError(error);
        await new Promise((resolve) => setTimeout(resolve, retryDelay(attempt + 1)));
      }
    }
  }

  /** Sends everything queued, batch after batch; `sending` is set while it runs. */
  function flush(): void {
    if (timer) { clearTimeout(timer); timer = null; }
    sending ??= (async () => {
      while (queue.length > 0 && !ended) await sendOne(takeBatch());
      sending = null;
    })();
  }

  return {
    append(chunk) {
      if (chunk.length === 0) return;
      // A copy: the caller may reuse its buffer once append returns.
      queue.push(Uint8Array.from(chunk));
      queuedBytes += chunk.length;
      // While a request is in flight, its loop takes what arrives; else wait for more, briefly.
      if (sending || ended) return;
      if (queuedBytes >= maxBytes) flush();
      else timer ??= setTimeout(flush, flushDelayMs);
    },
    async drained() {
      if (queue.length > 0) flush();
      while (sending) await sending;
    },
    async takeRest() {
      ended = true;
      if (timer) { clearTimeout(timer); timer = null; }
      while (sending) await sending;
      if (queue.length === 0) return null;
      const parts = queue.splice(0);
      queuedBytes = 0;
      return { offset, data: parts.length === 1 ? parts[0]! : Buffer.concat(parts) };
    },
  };
}
