import { useEffect } from 'preact/hooks';

/** Sets the document title (what screen readers announce on navigation and tabs show). */
export function useTitle(title: string): void {
  useEffect(() => { document.title = `${title} · Runnel`; }, [title]);
}
