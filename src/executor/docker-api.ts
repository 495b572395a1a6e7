import type { IncomingMessage } from 'node:http';
import { AppError } from '../shared/index.js';

/**
 * A minimal Docker Engine API client over its unix socket with node:http (no package). Only what
 * the docker executor needs; every call has a timeout; non-2xx answers become AppErrors
 * (404 → kind not_found) carrying Docker's message.
 */
export interface DockerApi {
  json<T>(method: string, path: string, body?: unknown, timeoutMs?: number): Promise<{ status: number; body: T }>;
  /** A streaming response (logs, pull progress); the caller consumes it. */
  stream(method: string, path: string, body?: unknown): Promise<IncomingMessage>;
}

const API_VERSION = 'v1.41';

export function createDockerApi(socketPath: string): DockerApi {
  // node:http is loaded with the first call: most processes that load the executors never talk to Docker.
  const send = async (method: string, path: string, body: unknown, timeoutMs: number): Promise<IncomingMessage> => {
    const { request } = await import('node:http');
    return new Promise((resolve, reject) => {
      const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
      const req = request({
        socketPath,
        method,
        path: `/${API_VERSION}${path}`,
        headers: payload ? { 'content-type': 'application/json', 'content-length': payload.length } : {},
        timeout: timeoutMs,
      }, resolve);
      req.on('timeout', () => req.destroy(new Error(`docker ${method} ${path} timed out`)));
      req.on('error', (error) => reject(new AppError('internal', `call docker ${method} ${path}: ${error.message}`, { cause: error })));
      req.end(payload);
    });
  };
  const failIfBad = async (res: IncomingMessage, method: string, path: string): Promise<void> => {
    const status = res.statusCode ?? 0;
    if (status >= 200 && status < 300) return;
    const chunks: Buffer[] = [];
    for await (const chunk of res) chunks.push(chunk as Buffer);
    let message = Buffer.concat(chunks).toString('utf8');
    try {
      message = (JSON.parse(message) as { message?: string }).message ?? message;
    } catch {
      // plain text
    }
    throw new AppError(status === 404 ? 'not_found' : status === 409 ? 'state_conflict' : 'internal', `docker ${method} ${path}: ${status} ${message}`);
  };
  return {
    async json<T>(method: string, path: string, body?: unknown, timeoutMs = 60_000) {
      const res = await send(method, path, body, timeoutMs);
      await failIfBad(res, method, path);
      const chunks: Buffer[] = [];
      for await (const chunk of res) chunks.push(chunk as Buffer);
      const text = Buffer.concat(chunks).toString('utf8');
      return { status: res.statusCode ?? 0, body: (text ? JSON.parse(text) : null) as T };
    },
    async stream(method, path, body) {
      const res = await send(method, path, body, 0);
      await failIfBad(res, method, path);
      return res;
    },
  };
}
