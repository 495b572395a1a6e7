import { createWriteStream } from 'node:fs';
import { copyFile, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { ArtifactSpec, JobDependency } from '../protocol/index.js';
import { AppError, isAppError, randomId } from '../shared/index.js';
import { collectFiles } from './file-collector.js';
import { parseDotenv } from './dotenv-report.js';
import { createZip, extractZip } from './zip-archive.js';
import { errorLine, warningLine } from './log-format.js';

/**
 * Moves artifacts between the server and the job directory. The runner implements the
 * transport (GET/POST /jobs/:id/artifacts with the right job token); the executor decides what
 * to fetch, where it goes and what to send.
 */
export interface ArtifactTransfer {
  /**
   * The artifacts archive (zip) of a job this one depends on: a local file path or a readable
   * stream; null when it has none. Throw an AppError with kind 'not_found' when the server says
   * it is gone (the job then fails with missing_dependency_failure).
   */
  download(dependency: JobDependency): Promise<string | NodeJS.ReadableStream | null>;
  /** Sends one archive: `spec.artifact_type` is 'archive' or a report type, `spec.artifact_format` its format. */
  upload(spec: ArtifactSpec, archivePath: string): Promise<void>;
}

export interface ArtifactContext {
  transfer: ArtifactTransfer;
  projectDir: string;
  tmpDir: string;
  gitEnv: Record<string, string>;
  /** Expands `$VAR` in artifact paths with the job's variables. */
  expand(text: string): string;
  log(text: string): void;
  /** A problem preparing the job's environment (fail_on_prepare_env_warning, run-job.ts). */
  warn?(message: string): void;
}

export type DependencyOutcome = { ok: true } | { ok: false; reason: 'missing_dependency_failure' | 'data_integrity_failure' | 'runner_system_failure'; message: string };

export async function downloadDependencies(deps: readonly JobDependency[], ctx: ArtifactContext): Promise<DependencyOutcome> {
  for (const dep of deps) {
    if (!dep.artifacts_file) continue;
    ctx.log(`Downloading artifacts for ${dep.name} (${dep.id})...\n`);
    try {
      const got = await ctx.transfer.download(dep);
      if (got === null) {
        ctx.log(warningLine(`${dep.name} (${dep.id}) has no artifacts`));
        ctx.warn?.(`${dep.name} (${dep.id}) has no artifacts`);
        continue;
      }
      let zipPath: string;
      if (typeof got === 'string') {
        zipPath = got;
      } else {
        zipPath = join(ctx.tmpDir, `dependency-${dep.id}-${randomId()}.zip`);
        await pipeline(got, createWriteStream(zipPath));
      }
      const count = await extractZip(zipPath, ctx.projectDir);
      ctx.log(`Downloading artifacts for ${dep.name} (${dep.id}) succeeded (${count} files)\n`);
    } catch (error) {
      const message = `Downloading artifacts for ${dep.name} (${dep.id}) failed: ${(error as Error).message}`;
      ctx.log(errorLine(message));
      if (isAppError(error) && error.kind === 'not_found') return { ok: false, reason: 'missing_dependency_failure', message };
      if (isAppError(error) && error.code === 'validation_failed') return { ok: false, reason: 'data_integrity_failure', message };
      return { ok: false, reason: 'runner_system_failure', message };
    }
  }
  return { ok: true };
}

export function shouldUpload(spec: ArtifactSpec, jobSucceeded: boolean): boolean {
  if (spec.when === 'always') return true;
  return spec.when === 'on_failure' ? !jobSucceeded : jobSucceeded;
}

export interface UploadOutcome {
  ok: boolean;
  message?: string;
  /** Parsed dotenv report, when the job had a valid one. */
  dotenv?: Record<string, string>;
}

async function packArchive(spec: ArtifactSpec, files: readonly string[], ctx: ArtifactContext): Promise<string> {
  const base = join(ctx.tmpDir, `artifact-${spec.artifact_type}-${randomId()}`);
  if (spec.artifact_format === 'gzip') {
    // One gzip member per file, concatenated: what gitlab-runner sends for gzip reports. (zlib is
    // loaded here: most jobs have no reports.)
    const { gzipSync } = await import('node:zlib');
    const members = await Promise.all(files.map(async (f) => gzipSync(await readFile(join(ctx.projectDir, f)))));
    await writeFile(`${base}.gz`, Buffer.concat(members));
    return `${base}.gz`;
  }
  if (spec.artifact_format === 'raw') {
    if (files.length !== 1) throw new AppError('validation_failed', `raw artifact needs exactly one file, found ${files.length}`);
    await copyFile(join(ctx.projectDir, files[0] as string), base);
    return base;
  }
  await createZip(ctx.projectDir, files, `${base}.zip`);
  return `${base}.zip`;
}

export async function uploadArtifacts(specs: readonly ArtifactSpec[], jobSucceeded: boolean, ctx: ArtifactContext): Promise<UploadOutcome> {
  const outcome: UploadOutcome = { ok: true };
  for (const spec of specs) {
    if (!shouldUpload(spec, jobSucceeded)) continue;
    const label = spec.artifact_type === 'archive' ? 'artifacts' : `${spec.artifact_type} report`;
    ctx.log(`Uploading ${label}...\n`);
    const found = await collectFiles(ctx.projectDir, {
      paths: spec.paths.map((p) => ctx.expand(p)),
      exclude: (spec.exclude ?? []).map((p) => ctx.expand(p)),
      untracked: spec.untracked,
    }, ctx.gitEnv);
    for (const r of found.refused) ctx.log(warningLine(`${r.pattern}: not supported: ${r.reason}`));
    for (const u of found.unmatched) ctx.log(warningLine(`${u}: no matching files. Ensure that the artifact path is relative to the working directory`));
    if (found.files.length === 0) {
      ctx.log(errorLine(`No files to upload`));
      continue;
    }
    if (spec.artifact_type === 'dotenv') {
      const text = Buffer.concat(await Promise.all(found.files.map((f) => readFile(join(ctx.projectDir, f)))));
      const parsed = parseDotenv(text);
      if (parsed.ok) outcome.dotenv = { ...outcome.dotenv, ...parsed.variables };
      else ctx.log(warningLine(`dotenv report rejected: ${parsed.error}`));
    }
    try {
      const archive = await packArchive(spec, found.files, ctx);
      await ctx.transfer.upload(spec, archive);
      ctx.log(`Uploading ${label}: ${found.files.length} files uploaded\n`);
    } catch (error) {
      const message = `Uploading ${label} failed: ${(error as Error).message}`;
      ctx.log(errorLine(message));
      outcome.ok = false;
      outcome.message = message;
    }
  }
  return outcome;
}
