/**
 * One polite aria-live region for the whole app: pages call `announce()` when something changes
 * without the user's doing (a job passed, the run failed) so screen readers hear it.
 */
import { useEffect, useState } from 'preact/hooks';

type Listener = (message: string) => void;
const listeners = new Set<Listener>();

export function announce(message: string): void {
  for (const l of listeners) l(message);
}

export function Announcer() {
  const [message, setMessage] = useState('');
  useEffect(() => {
    const l: Listener = (m) => setMessage((prev) => (prev === m ? `${m}\u00a0` : m));
    listeners.add(l);
    return () => { listeners.delete(l); };
  }, []);
  return <div class="visually-hidden" aria-live="polite" aria-atomic="true">{message}</div>;
}
