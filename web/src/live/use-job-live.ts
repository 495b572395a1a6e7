/**
 * A job and its log, kept true live. The log is read incrementally: `Range: bytes=<offset>-`
 * (a server that answers 200 with the whole log is sliced client-side). Any event on the job's
 * stream — log appended, status changed — triggers one batched refetch of both. Without a stream
 * it polls every 1.5 s while the job is active; once it finishes, one last read catches the tail.
 */
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { eventUrls, gitlab } from '../api/gitlab-api.ts';
import type { Job } from '../api/gitlab-entities.ts';
import { LogModel } from '../log/log-model.ts';
import { createBatcher } from './batcher.ts';
import { subscribeStream } from './event-stream.ts';
import { ACTIVE_STATUSES } from './use-run-live.ts';

export interface JobLive {
  job: Job | null;
  log: LogModel;
  /** Bumped whenever `log` gained text, so views re-render. */
  logVersion: number;
  error: Error | null;
  streaming: boolean;
  refresh: () => Promise<void>;
}

export function useJobLive(project: string, jobId: number): JobLive {
  const [job, setJob] = useState<Job | null>(null);
  const [error, setError] = useState<Error | null>(null);
  const [streaming, setStreaming] = useState(false);
  const [logVersion, setLogVersion] = useState(0);
  const log = useRef(new LogModel());
  const offset = useRef(0);
  const jobJson = useRef('');
  const inFlight = useRef<Promise<void> | null>(null);
  const again = useRef(false);

  const readOnce = useCallback(async () => {
    const [j, bytes] = await Promise.all([gitlab.job(project, jobId), gitlab.traceFrom(project, jobId, offset.current)]);
    if (bytes.length > 0) {
      offset.current += bytes.length;
      log.current.appendBytes(bytes);
      setLogVersion((v) => v + 1);
    }
    const json = JSON.stringify(j);
    if (json !== jobJson.current) { jobJson.current = json; setJob(j); }
  }, [project, jobId]);

  // One read at a time (offsets must not race); a request during a read schedules one more.
  const refresh = useCallback(async () => {
    if (inFlight.current) { again.current = true; return inFlight.current; }
    const run = async () => {
      do {
        again.current = false;
        try { await readOnce(); setError(null); } catch (e) { setError(e as Error); }
      } while (again.current);
    };
    inFlight.current = run().finally(() => { inFlight.current = null; });
    return inFlight.current;
  }, [readOnce]);

  useEffect(() => {
    log.current = new LogModel();
    offset.current = 0;
    jobJson.current = '';
    setJob(null);
    setLogVersion(0);
    void refresh();
    const batcher = createBatcher<string>(100, () => void refresh());
    const unsubscribe = subscribeStream(eventUrls.job(project, jobId), {
      onEvent(type) { batcher.add(type); },
      onOpen() { setStreaming(true); void refresh(); },
      onDown() { setStreaming(false); },
    });
    return () => { unsubscribe(); batcher.cancel(); };
  }, [project, jobId, refresh]);

  const active = job ? ACTIVE_STATUSES.has(job.status) : true;
  useEffect(() => {
    if (!active) { void refresh(); }
    const every = streaming ? 30000 : active ? 1500 : null;
    if (every === null) return;
    const timer = setInterval(() => { if (document.visibilityState === 'visible') void refresh(); }, every);
    return () => clearInterval(timer);
  }, [active, streaming, refresh]);

  return { job, log: log.current, logVersion, error, streaming, refresh };
}
