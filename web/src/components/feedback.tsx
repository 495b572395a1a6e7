/** Shared bits of page feedback: loading line, error box, empty state. */
import type { ComponentChildren } from 'preact';
import { ApiError } from '../api/http-client.ts';

export function Loading({ what }: { what: string }) {
  return <p class="muted" role="status">Loading {what}…</p>;
}

export function ErrorBox({ error, title }: { error: Error; title?: string }) {
  const messages = error instanceof ApiError ? error.messages : [error.message];
  const notFound = error instanceof ApiError && error.status === 404;
  return (
    <div class="error-box" role="alert">
      <strong>{title ?? (notFound ? 'Not found' : 'Something went wrong')}</strong>
      <ul>{messages.map((m) => <li key={m}>{m}</li>)}</ul>
    </div>
  );
}

export function Empty({ children }: { children: ComponentChildren }) {
  return <p class="empty">{children}</p>;
}

/** Prev/next page links from X-Total-Pages; rendered only when there is more than one page. */
export function Pager({ page, totalPages, onPage, label }: { page: number; totalPages: number | null; onPage: (page: number) => void; label: string }) {
  if (totalPages !== null && totalPages <= 1 && page <= 1) return null;
  const hasNext = totalPages === null ? true : page < totalPages;
  return (
    <nav class="pager" aria-label={label}>
      <button type="button" class="btn" disabled={page <= 1} onClick={() => onPage(page - 1)}>‹ Previous</button>
      <span aria-live="polite">Page {page}{totalPages !== null ? ` of ${totalPages}` : ''}</span>
      <button type="button" class="btn" disabled={!hasNext} onClick={() => onPage(page + 1)}>Next ›</button>
    </nav>
  );
}
