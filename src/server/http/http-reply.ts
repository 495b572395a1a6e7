import type { FastifyReply } from 'fastify';

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

/**
 * Answers with a body already written as JSON (the hot entities, gitlab/pipeline-json.ts), as
 * text or as its UTF-8 bytes, with the content type of the GitLab API: exactly
 * `application/json` (Fastify adds `; charset=utf-8` to text, which app.ts's onSend hook takes
 * off again for GitLab routes, and leaves bytes alone).
 */
export function jsonText<T extends string | Buffer>(reply: FastifyReply, body: T): T {
  reply.type('application/json');
  return body;
}
