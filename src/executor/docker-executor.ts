import { AppError, isAppError, randomId } from '../shared/index.js';
import type { ImageSpec } from '../protocol/index.js';
import { createDockerApi, type DockerApi } from './docker-api.js';
import { createDockerDemuxer, dockerSocketPath, serviceAliases, splitImageReference } from './docker-stream.js';
import type { Executor, ExecutorJob, ScriptOutcome, ScriptRun } from './executor.js';

export interface DockerExecutorOptions {
  /** Engine socket; default from DOCKER_HOST (unix:// only) or /var/run/docker.sock. */
  socketPath?: string;
  /** Image when the job names none. Default 'alpine:latest'. */
  defaultImage?: string;
}

/**
 * Probes the Docker Engine API (GET /_ping). Returns null when it answers, else the reason, e.g.
 * "no Docker engine reachable at /var/run/docker.sock".
 */
export async function dockerAvailable(socketPath?: string): Promise<string | null> {
  let where = socketPath;
  if (where === undefined) {
    const found = dockerSocketPath(process.env.DOCKER_HOST);
    if (!found.ok) return found.reason;
    where = found.socketPath;
  }
  try {
    const res = await createDockerApi(where).stream('GET', '/_ping');
    res.resume();
    return null;
  } catch {
    return `no Docker engine reachable at ${where}`;
  }
}

function resolveSocket(): string | null {
  const found = dockerSocketPath(process.env.DOCKER_HOST);
  return found.ok ? found.socketPath : null;
}

// The script runs with bash when the image has it, else with sh (busybox/dash images).
const SHELL_DETECT = 'if command -v bash >/dev/null 2>&1; then exec bash --noprofile --norc "$0"; else exec sh "$0"; fi';

/**
 * Runs each script in a NEW container of the job's image (as gitlab-runner does per stage), on a
 * per-job bridge network where the job's services run as sidecars reachable by their aliases.
 * The job directory is bind-mounted at the same absolute path, so paths in variables are the
 * same inside and out. Stopping a script = `POST /containers/{id}/stop?t=grace` (SIGTERM, then
 * SIGKILL): the container is the process tree. Containers run with an init (--init) that reaps.
 *
 * Not exercised by the contract tests on machines without a Docker engine (they skip, saying so).
 */
export function createDockerExecutor(options: DockerExecutorOptions = {}): Executor {
  let api: DockerApi | undefined;
  let job: ExecutorJob | undefined;
  let network: string | undefined;
  const containers = new Set<string>();
  let cleaned = false;

  const ensureImage = async (image: ImageSpec): Promise<void> => {
    if (!api) return;
    const policy = image.pull_policy?.[0] ?? 'if-not-present';
    let present = true;
    try {
      await api.json('GET', `/images/${encodeURIComponent(image.name)}/json`);
    } catch (error) {
      if (!isAppError(error) || error.kind !== 'not_found') throw error;
      present = false;
    }
    if (present && policy !== 'always') return;
    if (!present && policy === 'never') throw new AppError('not_found', `image ${image.name} is not present and pull_policy is never`);
    job?.log(`Pulling docker image ${image.name} ...\n`);
    const { fromImage, tag } = splitImageReference(image.name);
    const res = await api.stream('POST', `/images/create?fromImage=${encodeURIComponent(fromImage)}&tag=${encodeURIComponent(tag)}`);
    let last = '';
    for await (const chunk of res) last = (chunk as Buffer).toString('utf8');
    if (last.includes('"error"')) throw new AppError('internal', `pull ${image.name}: ${last.trim()}`);
  };

  const removeContainer = async (id: string): Promise<void> => {
    try {
      await api?.json('DELETE', `/containers/${id}?force=1&v=1`);
    } catch (error) {
      if (!isAppError(error) || error.kind !== 'not_found') throw error;
    }
    containers.delete(id);
  };

  return {
    name: 'docker',
    async prepare(j, signal) {
      const socketPath = options.socketPath ?? resolveSocket();
      if (socketPath === null) throw new AppError('config_invalid', `prepare docker: ${(dockerSocketPath(process.env.DOCKER_HOST) as { reason: string }).reason}`);
      const reason = await dockerAvailable(socketPath);
      if (reason !== null) throw new AppError('internal', `prepare docker: ${reason}`);
      api = createDockerApi(socketPath);
      job = j;
      const image = j.image ?? { name: options.defaultImage ?? 'alpine:latest' };
      j.log(`Using Docker executor with image ${image.name} ...\n`);
      await ensureImage(image);
      network = `runnel-job-${j.jobId}-${randomId(4)}`;
      await api.json('POST', '/networks/create', { Name: network, Driver: 'bridge', CheckDuplicate: true, Labels: { 'runnel.job': String(j.jobId) } });
      for (const service of j.services) {
        if (signal.aborted) throw new AppError('state_conflict', 'prepare docker: canceled');
        await ensureImage(service);
        j.log(`Starting service ${service.name} ...\n`);
        const created = await api.json<{ Id: string }>('POST', '/containers/create', {
          Image: service.name,
          Entrypoint: service.entrypoint && service.entrypoint.length ? service.entrypoint : undefined,
          Cmd: service.command && service.command.length ? service.command : undefined,
          Env: (service.variables ?? []).map((v) => `${v.key}=${v.value}`),
          Labels: { 'runnel.job': String(j.jobId), 'runnel.role': 'service' },
          HostConfig: { NetworkMode: network, Init: true },
          NetworkingConfig: { EndpointsConfig: { [network]: { Aliases: serviceAliases(service.name, service.alias) } } },
        });
        containers.add(created.body.Id);
        await api.json('POST', `/containers/${created.body.Id}/start`);
        // TODO: wait for the service's exposed ports like gitlab-runner's health check does.
      }
    },
    async runScript(run: ScriptRun): Promise<ScriptOutcome> {
      if (!api || !job || cleaned) throw new AppError('state_conflict', 'run script: executor not prepared or already cleaned up');
      const image = job.image ?? { name: options.defaultImage ?? 'alpine:latest' };
      const entrypoint = image.entrypoint && image.entrypoint.length ? image.entrypoint : undefined;
      const created = await api.json<{ Id: string }>('POST', `/containers/create?name=runnel-${job.jobId}-${run.name.replace(/[^a-zA-Z0-9_.-]/g, '_')}-${randomId(3)}`, {
        Image: image.name,
        Entrypoint: entrypoint ?? ['/bin/sh', '-c'],
        Cmd: entrypoint ? ['sh', '-c', SHELL_DETECT, run.scriptPath] : [SHELL_DETECT, run.scriptPath],
        Env: Object.entries(run.env).map(([k, v]) => `${k}=${v}`),
        WorkingDir: run.cwd,
        Tty: false,
        Labels: { 'runnel.job': String(job.jobId), 'runnel.role': run.name },
        // The hosted object directories an in-process checkout borrows: read-only, same path.
        HostConfig: { Binds: [`${job.jobDir}:${job.jobDir}`, ...(run.readOnlyPaths ?? []).map((p) => `${p}:${p}:ro`)], NetworkMode: network, Init: true },
      });
      const id = created.body.Id;
      containers.add(id);
      let timedOut = false;
      let canceled = false;
      let stopping: Promise<unknown> | undefined;
      const stop = () => {
        stopping ??= api?.json('POST', `/containers/${id}/stop?t=${Math.max(1, Math.ceil(run.killGraceMs / 1000))}`, undefined, run.killGraceMs + 30_000).catch(() => undefined);
      };
      const onAbort = () => { canceled = true; stop(); };
      run.signal.addEventListener('abort', onAbort, { once: true });
      const timer = run.timeoutMs > 0 ? setTimeout(() => { timedOut = true; stop(); }, run.timeoutMs) : undefined;
      try {
        await api.json('POST', `/containers/${id}/start`);
        const logs = await api.stream('GET', `/containers/${id}/logs?follow=1&stdout=1&stderr=1`);
        const demux = createDockerDemuxer((payload) => run.onOutput(payload));
        for await (const chunk of logs) demux.push(chunk as Buffer);
        const waited = await api.json<{ StatusCode: number }>('POST', `/containers/${id}/wait`, undefined, 0);
        await stopping;
        return {
          exitCode: timedOut || canceled ? null : waited.body.StatusCode,
          timedOut,
          canceled: canceled && !timedOut,
        };
      } finally {
        if (timer) clearTimeout(timer);
        run.signal.removeEventListener('abort', onAbort);
        await removeContainer(id).catch(() => undefined);
      }
    },
    async cleanup() {
      cleaned = true;
      for (const id of [...containers]) await removeContainer(id).catch(() => undefined);
      if (network && api) {
        const name = network;
        network = undefined;
        await api.json('DELETE', `/networks/${name}`).catch(() => undefined);
      }
    },
  };
}
