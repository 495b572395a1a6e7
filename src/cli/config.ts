import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';

/**
 * Runnel's configuration, read once at start from (highest first) command-line flags, the
 * environment and an optional YAML/JSON file (`--config` or RUNNEL_CONFIG), then validated as a
 * whole: every problem is listed at once, each naming where the value came from.
 */
export interface Config {
  host: string;
  port: number;
  dataDir: string;
  /** postgres://… to use PostgreSQL; null for the embedded SQLite in dataDir. */
  databaseUrl: string | null;
  /** The URL users reach Runnel at; null = derived from the listening address. */
  externalUrl: string | null;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  runner: {
    /** Jobs the embedded runner runs at once; 0 disables it. */
    concurrency: number;
    executor: 'auto' | 'shell' | 'sandbox' | 'docker';
    /** Whether sandboxed jobs may use the network. */
    network: boolean;
    /** A job's log is cut at this many bytes, with a truncation line (gitlab-runner's output_limit). */
    logLimitBytes: number;
  };
  /** How long a claimed job stays leased without word from its runner before it is failed. */
  jobLeaseSeconds: number;
  initialRootToken: string | undefined;
  initialRootPassword: string | undefined;
}

export interface ConfigProblem { source: string; key: string; reason: string }

export class ConfigError extends Error {
  constructor(readonly problems: ConfigProblem[]) {
    super(problems.map((p) => `${p.source}: ${p.key}: ${p.reason}`).join('\n'));
    this.name = 'ConfigError';
  }
}

export interface ConfigInput {
  flags: Record<string, string | boolean | undefined>;
  env: Record<string, string | undefined>;
  cwd: string;
}

type Raw = { value: unknown; source: string };

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
const EXECUTORS = ['auto', 'shell', 'sandbox', 'docker'] as const;

/** Flag / environment / file key for each setting. */
const SETTINGS = {
  host: { flag: 'host', env: 'RUNNEL_HOST', file: 'host' },
  port: { flag: 'port', env: 'RUNNEL_PORT', file: 'port' },
  dataDir: { flag: 'data-dir', env: 'RUNNEL_DATA_DIR', file: 'data_dir' },
  databaseUrl: { flag: 'database-url', env: 'RUNNEL_DATABASE_URL', file: 'database_url' },
  externalUrl: { flag: 'external-url', env: 'RUNNEL_EXTERNAL_URL', file: 'external_url' },
  logLevel: { flag: 'log-level', env: 'RUNNEL_LOG_LEVEL', file: 'log_level' },
  concurrency: { flag: 'concurrency', env: 'RUNNEL_RUNNER_CONCURRENCY', file: 'runner.concurrency' },
  executor: { flag: 'executor', env: 'RUNNEL_RUNNER_EXECUTOR', file: 'runner.executor' },
  network: { flag: 'network', env: 'RUNNEL_RUNNER_NETWORK', file: 'runner.network' },
  logLimit: { flag: 'log-limit', env: 'RUNNEL_RUNNER_LOG_LIMIT_BYTES', file: 'runner.log_limit_bytes' },
  jobLease: { flag: 'job-lease', env: 'RUNNEL_JOB_LEASE_SECONDS', file: 'job_lease_seconds' },
} as const;

export function loadConfig(input: ConfigInput): Config {
  const problems: ConfigProblem[] = [];
  const configPath = (input.flags.config as string | undefined) ?? input.env.RUNNEL_CONFIG;
  let file: Record<string, unknown> = {};
  if (configPath) {
    const path = resolve(input.cwd, configPath);
    try {
      const parsed: unknown = parseYaml(readFileSync(path, 'utf8'));
      if (parsed === null || parsed === undefined) file = {};
      else if (typeof parsed !== 'object' || Array.isArray(parsed)) problems.push({ source: path, key: '(root)', reason: 'must be a mapping of settings' });
      else file = parsed as Record<string, unknown>;
    } catch (error) {
      problems.push({ source: path, key: '(file)', reason: (error as Error).message.split('\n')[0] ?? 'unreadable' });
    }
    const known = new Set(['host', 'port', 'data_dir', 'database_url', 'external_url', 'log_level', 'runner', 'job_lease_seconds']);
    for (const key of Object.keys(file)) if (!known.has(key)) problems.push({ source: path, key, reason: 'unknown setting' });
    const runner = file.runner;
    if (runner !== undefined && (typeof runner !== 'object' || runner === null || Array.isArray(runner))) {
      problems.push({ source: path, key: 'runner', reason: 'must be a mapping' });
    } else if (runner) {
      for (const key of Object.keys(runner)) if (!['concurrency', 'executor', 'network', 'log_limit_bytes'].includes(key)) problems.push({ source: path, key: `runner.${key}`, reason: 'unknown setting' });
    }
  }

  const pick = (name: keyof typeof SETTINGS): Raw | undefined => {
    const s = SETTINGS[name];
    const flag = input.flags[s.flag];
    if (flag !== undefined) return { value: flag, source: `--${s.flag}` };
    const env = input.env[s.env];
    if (env !== undefined && env !== '') return { value: env, source: s.env };
    const fileValue = s.file.split('.').reduce<unknown>((o, k) => (o && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined), file);
    if (fileValue !== undefined) return { value: fileValue, source: `${configPath}: ${s.file}` };
    return undefined;
  };
  const str = (name: keyof typeof SETTINGS, fallback: string | null): string | null => {
    const raw = pick(name);
    if (!raw) return fallback;
    if (typeof raw.value !== 'string' || raw.value === '') { problems.push({ source: raw.source, key: name, reason: 'must be a non-empty string' }); return fallback; }
    return raw.value;
  };
  const int = (name: keyof typeof SETTINGS, fallback: number, min: number, max: number): number => {
    const raw = pick(name);
    if (!raw) return fallback;
    const n = typeof raw.value === 'number' ? raw.value : typeof raw.value === 'string' && /^\d+$/.test(raw.value.trim()) ? Number(raw.value) : NaN;
    if (!Number.isInteger(n) || n < min || n > max) { problems.push({ source: raw.source, key: name, reason: `must be an integer from ${min} to ${max}` }); return fallback; }
    return n;
  };
  const bool = (name: keyof typeof SETTINGS, fallback: boolean): boolean => {
    const raw = pick(name);
    if (!raw) return fallback;
    if (typeof raw.value === 'boolean') return raw.value;
    if (typeof raw.value === 'string' && /^(true|1|yes|on)$/i.test(raw.value)) return true;
    if (typeof raw.value === 'string' && /^(false|0|no|off)$/i.test(raw.value)) return false;
    problems.push({ source: raw.source, key: name, reason: 'must be true or false' });
    return fallback;
  };
  const oneOf = <T extends string>(name: keyof typeof SETTINGS, values: readonly T[], fallback: T): T => {
    const value = str(name, fallback);
    if (value !== null && (values as readonly string[]).includes(value)) return value as T;
    problems.push({ source: pick(name)?.source ?? name, key: name, reason: `must be one of ${values.join(', ')}` });
    return fallback;
  };

  const databaseUrl = str('databaseUrl', null);
  if (databaseUrl !== null && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    problems.push({ source: pick('databaseUrl')!.source, key: 'databaseUrl', reason: 'must be a postgres:// or postgresql:// URL' });
  }
  const externalUrl = str('externalUrl', null);
  if (externalUrl !== null) {
    try {
      const u = new URL(externalUrl);
      if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('scheme');
    } catch {
      problems.push({ source: pick('externalUrl')!.source, key: 'externalUrl', reason: 'must be an http(s) URL' });
    }
  }
  const config: Config = {
    host: str('host', '127.0.0.1')!,
    port: int('port', 8080, 0, 65535),
    dataDir: resolve(input.cwd, str('dataDir', './.runnel')!),
    databaseUrl,
    externalUrl: externalUrl?.replace(/\/+$/, '') ?? null,
    logLevel: oneOf('logLevel', LOG_LEVELS, 'info'),
    runner: {
      concurrency: int('concurrency', cpus().length, 0, 256),
      executor: oneOf('executor', EXECUTORS, 'auto'),
      network: bool('network', true),
      logLimitBytes: int('logLimit', 4 * 1024 * 1024, 1024, 1024 * 1024 * 1024),
    },
    jobLeaseSeconds: int('jobLease', 60, 5, 86_400),
    initialRootToken: input.env.RUNNEL_INITIAL_ROOT_TOKEN || undefined,
    initialRootPassword: input.env.RUNNEL_INITIAL_ROOT_PASSWORD || undefined,
  };
  if (config.initialRootToken !== undefined && config.initialRootToken.length < 8) {
    problems.push({ source: 'RUNNEL_INITIAL_ROOT_TOKEN', key: 'initialRootToken', reason: 'must be at least 8 characters' });
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}
