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
 * Answers with a body already written as JSON text (the hot entities, gitlab/pipeline-json.ts):
 * sent as `application/json` exactly as Fastify sends a serialised object.
 */
export function jsonText(reply: FastifyReply, text: string): string {
  reply.type('application/json');
  return text;
}
