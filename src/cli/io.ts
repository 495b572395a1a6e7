/** Where a command writes and where it runs; injected so commands are testable in-process. */
export interface CommandIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  cwd: string;
  env: Record<string, string | undefined>;
}

export function processIo(): CommandIo {
  for (const stream of [process.stdout, process.stderr]) quietWhenClosed(stream);
  return { stdout: process.stdout, stderr: process.stderr, cwd: process.cwd(), env: process.env };
}

/**
 * A reader that goes away (`runnel run | head`) makes writes fail with EPIPE, an error event that
 * would otherwise end the process with a stack trace. The command goes on to its end (a pipeline
 * is not left half run because its output is no longer read); what it writes is dropped.
 */
function quietWhenClosed(stream: NodeJS.WriteStream): void {
  if (stream.listenerCount('error') > 0) return;
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
  });
}

/** Exit codes shared by every command. */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;
