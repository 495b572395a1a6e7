/**
 * Subscribes to one of Runnel's `text/event-stream` endpoints. EventSource cannot send headers,
 * so the token goes in `private_token`. The browser reconnects by itself after network errors;
 * when the server refuses the stream (404 on an older server, 401) the source closes for good —
 * then `onDown` tells the page to poll, and we try the stream again every `retryMs`.
 */
import { readToken } from '../api/session-token.ts';

export interface StreamHandlers {
  /** `type` is the SSE event name (`run`, `job`, `log`, `message`…); data is parsed JSON or null. */
  onEvent(type: string, data: { id?: number; status?: string } | null): void;
  /** The stream is (re)connected: refetch everything, events may have been missed meanwhile. */
  onOpen(): void;
  /** The stream is unavailable: fall back to polling until onOpen. */
  onDown(): void;
}

const EVENT_NAMES = ['run', 'job', 'log', 'status', 'trace', 'message'];

export function subscribeStream(url: string, handlers: StreamHandlers, retryMs = 15000): () => void {
  let source: EventSource | null = null;
  let retry: ReturnType<typeof setTimeout> | null = null;
  let closed = false;
  const connect = () => {
    if (closed) return;
    if (typeof EventSource === 'undefined') { handlers.onDown(); return; }
    const token = readToken();
    const sep = url.includes('?') ? '&' : '?';
    source = new EventSource(token ? `${url}${sep}private_token=${encodeURIComponent(token)}` : url);
    source.onopen = () => handlers.onOpen();
    source.onerror = () => {
      if (source && source.readyState === EventSource.CLOSED) {
        source = null;
        handlers.onDown();
        retry = setTimeout(connect, retryMs);
      } else {
        handlers.onDown();
      }
    };
    for (const name of EVENT_NAMES) {
      source.addEventListener(name, (event) => {
        let data: { id?: number; status?: string } | null = null;
        try { data = JSON.parse((event as MessageEvent<string>).data) as { id?: number; status?: string }; } catch { data = null; }
        handlers.onEvent(name, data);
      });
    }
  };
  connect();
  return () => {
    closed = true;
    if (retry) clearTimeout(retry);
    source?.close();
  };
}
