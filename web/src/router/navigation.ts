/**
 * History-API navigation for the SPA. Plain `<a href>` elements work as links: one document-level
 * click handler turns same-origin clicks on UI paths into `pushState`, leaving new-tab clicks,
 * downloads and API URLs to the browser. Listeners re-render on every location change.
 */
import { useEffect, useState } from 'preact/hooks';

type Listener = () => void;
const listeners = new Set<Listener>();

function notify(): void {
  for (const l of listeners) l();
}

export function navigate(to: string, options: { replace?: boolean } = {}): void {
  const current = location.pathname + location.search + location.hash;
  if (to === current) return;
  if (options.replace) history.replaceState(null, '', to); else history.pushState(null, '', to);
  if (!options.replace) window.scrollTo(0, 0);
  notify();
}

/** The current location (pathname + search), updated on navigation and back/forward. */
export function useLocation(): { pathname: string; search: URLSearchParams } {
  const [, setTick] = useState(0);
  useEffect(() => {
    const listener = () => setTick((n) => n + 1);
    listeners.add(listener);
    window.addEventListener('popstate', listener);
    return () => {
      listeners.delete(listener);
      window.removeEventListener('popstate', listener);
    };
  }, []);
  return { pathname: location.pathname, search: new URLSearchParams(location.search) };
}

/** Replaces query parameters on the current path (filters, page numbers). */
export function setQuery(params: Record<string, string | number | null | undefined>, replace = false): void {
  const search = new URLSearchParams(location.search);
  for (const [k, v] of Object.entries(params)) {
    if (v === null || v === undefined || v === '') search.delete(k); else search.set(k, String(v));
  }
  const s = search.toString();
  navigate(location.pathname + (s ? `?${s}` : ''), { replace });
}

export function installLinkInterception(): void {
  document.addEventListener('click', (event) => {
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    const anchor = (event.target as Element | null)?.closest?.('a');
    if (!anchor || !anchor.href || anchor.hasAttribute('download') || (anchor.target && anchor.target !== '_self')) return;
    const url = new URL(anchor.href);
    if (url.origin !== location.origin || url.pathname.startsWith('/api/') || anchor.dataset.external !== undefined) return;
    event.preventDefault();
    if (url.hash && url.pathname === location.pathname && url.search === location.search) {
      document.getElementById(url.hash.slice(1))?.focus();
      return;
    }
    navigate(url.pathname + url.search + url.hash);
  });
}
