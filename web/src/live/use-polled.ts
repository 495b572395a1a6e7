/**
 * Loads data for a page and keeps it true: refetches every `intervalMs` while the tab is visible
 * and at once when it becomes visible again. A refetch that returns the same JSON keeps the old
 * object, so components memoised on it do not re-render.
 */
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';

export interface Polled<T> {
  data: T | undefined;
  error: Error | null;
  loading: boolean;
  reload: () => Promise<void>;
}

export function usePolled<T>(load: () => Promise<T>, deps: unknown[], intervalMs: number | null): Polled<T> {
  const [state, setState] = useState<{ data: T | undefined; json: string; error: Error | null; loading: boolean }>({ data: undefined, json: '', error: null, loading: true });
  const generation = useRef(0);
  const loadRef = useRef(load);
  loadRef.current = load;

  const reload = useCallback(async () => {
    const mine = generation.current;
    try {
      const data = await loadRef.current();
      if (mine !== generation.current) return;
      const json = JSON.stringify(data);
      setState((prev) => (prev.json === json && !prev.error && !prev.loading ? prev : { data, json, error: null, loading: false }));
    } catch (error) {
      if (mine !== generation.current) return;
      setState((prev) => ({ ...prev, error: error as Error, loading: false }));
    }
  }, []);

  useEffect(() => {
    generation.current++;
    setState({ data: undefined, json: '', error: null, loading: true });
    void reload();
    if (intervalMs === null) return () => { generation.current++; };
    const timer = setInterval(() => { if (document.visibilityState === 'visible') void reload(); }, intervalMs);
    const onVisible = () => { if (document.visibilityState === 'visible') void reload(); };
    document.addEventListener('visibilitychange', onVisible);
    return () => {
      generation.current++;
      clearInterval(timer);
      document.removeEventListener('visibilitychange', onVisible);
    };
  }, [...deps, intervalMs]);

  return { data: state.data, error: state.error, loading: state.loading, reload };
}

/** The current time, re-read every `intervalMs`, for durations of things still running. */
export function useNow(intervalMs = 1000, active = true): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs, active]);
  return now;
}
