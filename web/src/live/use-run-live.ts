/**
 * A run and its jobs, kept true live. Subscribes to the run's event stream; each burst of
 * `run`/`job` events (batched for 100 ms) refetches the run, plus either just the changed jobs
 * (few, all known) or the whole job list (many, or a job we have not seen — e.g. a retry's new
 * job). Jobs whose JSON did not change keep their object, so only changed graph nodes repaint.
 * Without a stream (older server, proxy) it polls: every 3 s while the run is active, 15 s after.
 */
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { eventUrls, gitlab } from '../api/gitlab-api.ts';
import type { Job, Pipeline } from '../api/gitlab-entities.ts';
import { createBatcher } from './batcher.ts';
import { subscribeStream } from './event-stream.ts';
import { mergeJobs } from './merge-jobs.ts';

export const ACTIVE_STATUSES = new Set(['created', 'waiting_for_resource', 'preparing', 'waiting_for_callback', 'pending', 'running', 'canceling']);

export interface RunLive {
  pipeline: Pipeline | null;
  jobs: Job[];
  error: Error | null;
  streaming: boolean;
  refresh: () => Promise<void>;
}

export function useRunLive(project: string, runId: number): RunLive {
  const [pipeline, setPipeline] = useState<Pipeline | null>(null);
  const [jobs, setJobs] = useState<Job[]>([]);
  const [error, setError] = useState<Error | null>(null);
  const [streaming, setStreaming] = useState(false);
  const jobsRef = useRef<Job[]>([]);
  const pipelineJson = useRef('');

  const applyPipeline = useCallback((p: Pipeline) => {
    const json = JSON.stringify(p);
    if (json !== pipelineJson.current) { pipelineJson.current = json; setPipeline(p); }
  }, []);
  const applyJobs = useCallback((incoming: Job[], complete: boolean) => {
    const next = mergeJobs(jobsRef.current, incoming, complete);
    if (next !== jobsRef.current) { jobsRef.current = next; setJobs(next); }
  }, []);

  const refresh = useCallback(async () => {
    try {
      const [p, js] = await Promise.all([gitlab.pipeline(project, runId), gitlab.pipelineJobs(project, runId)]);
      applyPipeline(p);
      applyJobs(js, true);
      setError(null);
    } catch (e) {
      setError(e as Error);
    }
  }, [project, runId, applyPipeline, applyJobs]);

  useEffect(() => {
    jobsRef.current = [];
    pipelineJson.current = '';
    setPipeline(null);
    setJobs([]);
    setError(null);
    void refresh();

    const batcher = createBatcher<number | 'run'>(100, async (keys) => {
      const ids = [...keys].filter((k): k is number => typeof k === 'number');
      const known = new Set(jobsRef.current.map((j) => j.id));
      try {
        const runPromise = gitlab.pipeline(project, runId).then(applyPipeline);
        if (ids.length > 0 && ids.length <= 8 && ids.every((id) => known.has(id))) {
          const changed = await Promise.all(ids.map((id) => gitlab.job(project, id)));
          applyJobs(changed, false);
        } else if (ids.length > 0) {
          applyJobs(await gitlab.pipelineJobs(project, runId), true);
        }
        await runPromise;
      } catch (e) {
        setError(e as Error);
      }
    });

    const unsubscribe = subscribeStream(eventUrls.pipeline(project, runId), {
      onEvent(type, data) {
        if (type === 'job' && typeof data?.id === 'number') batcher.add(data.id);
        else batcher.add('run');
      },
      onOpen() { setStreaming(true); void refresh(); },
      onDown() { setStreaming(false); },
    });
    return () => { unsubscribe(); batcher.cancel(); };
  }, [project, runId, refresh, applyPipeline, applyJobs]);

  // Polling: the safety net when the stream is down, and a slow check even when it is up.
  const active = pipeline ? ACTIVE_STATUSES.has(pipeline.status) || jobs.some((j) => ACTIVE_STATUSES.has(j.status)) : true;
  useEffect(() => {
    const every = streaming ? 60000 : active ? 3000 : 15000;
    const timer = setInterval(() => { if (document.visibilityState === 'visible') void refresh(); }, every);
    return () => clearInterval(timer);
  }, [streaming, active, refresh]);

  return { pipeline, jobs, error, streaming, refresh };
}
