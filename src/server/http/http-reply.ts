/**
 * An exact HTTP answer raised from deep inside a handler (a body that no AppError shape covers,
 * such as GitLab's OAuth-style token errors). The error handler sends it as it is.
 */
export class HttpReply extends Error {
  constructor(readonly status: number, readonly body: unknown, readonly headers: Record<string, string> = {}) {
    super(`HTTP ${status}`);
    this.name = 'HttpReply';
  }
}
