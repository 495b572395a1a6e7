import { createStreamMasker, type StreamMasker } from './stream-masker.js';
import { limitExceededLine } from './log-format.js';

/**
 * Where a job's log goes. The runner implements it (buffering and PATCHing chunks to the server,
 * or writing a file); the executor only appends. `append` is called strictly in order, never
 * concurrently, with already-masked bytes; it returns the log's length after the append (the
 * next PATCH offset). A throwing sink does not fail the job: the log is then lost, not the build.
 */
export interface LogSink {
  append(chunk: Uint8Array): number | Promise<number>;
}

export interface JobLogOptions {
  /** Values replaced by [MASKED]. */
  secrets: readonly string[];
  /** Bytes of log kept and sent; 0 = unlimited. gitlab-runner's default output_limit is 4 MiB. */
  limitBytes: number;
}

/**
 * The job's log pipeline: text/bytes → masker → size cap → sink, in order. Keeps a copy of what
 * was sent, because coverage is extracted from the log exactly as the server stores it.
 *
 * Size cap, as gitlab-runner does (helpers/trace/buffer.go limitWriter): output beyond the cap is
 * cut, one "Job's log exceeded limit of N bytes" notice is added, and later output is dropped;
 * the job itself keeps running and its status is not changed by the cap. (GitLab's
 * `trace_size_exceeded` failure is decided by the server when it refuses a PATCH, not here.)
 */
export class JobLog {
  private readonly masker: StreamMasker;
  private readonly limitBytes: number;
  private readonly sent: Buffer[] = [];
  private sentBytes = 0;
  private truncatedFlag = false;
  private chain: Promise<void> = Promise.resolve();
  private sinkFailed: unknown = undefined;
  private lastByte = 0x0a;

  constructor(private readonly sink: LogSink, options: JobLogOptions) {
    this.masker = createStreamMasker(options.secrets);
    this.limitBytes = options.limitBytes;
  }

  /** Appends job output or a runner message. Never throws; ordering is preserved. */
  write(data: string | Uint8Array): void {
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    if (bytes.length > 0) this.lastByte = bytes[bytes.length - 1] as number;
    this.forward(this.masker.push(bytes));
  }

  /** Ends the current line if output left one open, so markers start on their own line. */
  ensureNewline(): void {
    if (this.lastByte !== 0x0a) this.write('\n');
  }

  /**
   * Emits what the masker still holds. Call at the points where a partial secret cannot continue
   * (end of a step's output, before a runner message) and at the end.
   */
  flush(): void {
    this.forward(this.masker.end());
  }

  /** Flushes and waits until the sink has taken everything. */
  async close(): Promise<void> {
    this.flush();
    await this.chain;
  }

  get truncated(): boolean {
    return this.truncatedFlag;
  }

  get bytes(): number {
    return this.sentBytes;
  }

  /** The first sink failure, if any (the runner may want to report it). */
  get sinkError(): unknown {
    return this.sinkFailed;
  }

  /** The log as sent (masked, capped), decoded as UTF-8. */
  text(): string {
    return Buffer.concat(this.sent).toString('utf8');
  }

  private forward(masked: Buffer): void {
    if (masked.length === 0 || this.truncatedFlag) return;
    let chunk = masked;
    if (this.limitBytes > 0 && this.sentBytes + chunk.length > this.limitBytes) {
      const room = this.limitBytes - this.sentBytes;
      chunk = Buffer.concat([chunk.subarray(0, room), Buffer.from(limitExceededLine(this.limitBytes))]);
      this.truncatedFlag = true;
    }
    this.sent.push(chunk);
    this.sentBytes += chunk.length;
    this.chain = this.chain.then(async () => {
      if (this.sinkFailed !== undefined) return;
      try {
        await this.sink.append(chunk);
      } catch (error) {
        this.sinkFailed = error;
      }
    });
  }
}
