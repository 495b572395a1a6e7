import type { Job } from '../../server/store/index.js';

/** What the view reads of a job (a full Job or the store's JobProgress both fit). */
export type ViewJob = Pick<Job, 'id' | 'name' | 'status' | 'allowFailure' | 'startedAt' | 'finishedAt'>;

/**
 * The compact live view of a local run, one line per job: state icon, name, duration.
 * - On a TTY the block is redrawn in place (cursor up + clear line), at most every `frameMs`
 *   and on a ticker so running durations move; jobs that do not fit the terminal are summed
 *   up in one line, keeping running and failed ones in sight.
 * - Elsewhere (pipes, CI logs) one plain line is printed per state change, nothing redrawn.
 * `finish` draws the last frame; writing after it is the caller's (summary, log tails).
 */
export interface StatusView {
  update(jobs: ViewJob[]): void;
  finish(jobs: ViewJob[]): void;
}

export interface ViewOutput {
  write(text: string): unknown;
  isTTY?: boolean;
  rows?: number;
}

const SHOWN_STATES = new Set(['running', 'success', 'failed', 'canceled', 'skipped', 'manual', 'scheduled']);

export function iconOf(job: ViewJob, color: boolean): string {
  const paint = (code: string, text: string) => color ? `\x1b[${code}m${text}\x1b[0m` : text;
  switch (job.status) {
    case 'success': return paint('32', '✔');
    case 'failed': return job.allowFailure ? paint('33', '!') : paint('31', '✖');
    case 'running': return paint('36', '●');
    case 'canceled': case 'canceling': return paint('90', '⊘');
    case 'skipped': return paint('90', '»');
    case 'manual': return paint('90', '▶');
    case 'scheduled': return paint('90', '◷');
    default: return paint('90', '○');
  }
}

export function durationOf(job: ViewJob, now: number): string {
  if (job.startedAt === null) return '';
  const ms = (job.finishedAt ?? now) - job.startedAt;
  return ms < 60_000 ? `${(ms / 1000).toFixed(1)}s` : `${Math.floor(ms / 60_000)}m${String(Math.floor((ms % 60_000) / 1000)).padStart(2, '0')}s`;
}

function statusWord(job: ViewJob): string {
  if (job.status === 'failed' && job.allowFailure) return 'failed (allowed)';
  return job.status;
}

export function createStatusView(out: ViewOutput, options: { frameMs?: number } = {}): StatusView {
  return out.isTTY ? ttyView(out, options.frameMs ?? 100) : lineView(out);
}

function lineView(out: ViewOutput): StatusView {
  const printed = new Map<number, string>();
  const width = { name: 0 };
  const update = (jobs: ViewJob[]) => {
    width.name = Math.max(width.name, ...jobs.map((j) => j.name.length));
    const now = Date.now();
    for (const job of jobs) {
      if (!SHOWN_STATES.has(job.status) || printed.get(job.id) === job.status) continue;
      printed.set(job.id, job.status);
      const duration = job.status === 'running' ? '' : durationOf(job, now);
      out.write(`${iconOf(job, false)} ${job.name.padEnd(width.name)}  ${statusWord(job)}${duration ? ` ${duration}` : ''}\n`);
    }
  };
  return { update, finish: update };
}

function ttyView(out: ViewOutput, frameMs: number): StatusView {
  let latest: ViewJob[] = [];
  let drawnLines = 0;
  let lastDraw = 0;
  let pending: NodeJS.Timeout | null = null;
  const ticker = setInterval(() => draw(), 250);
  ticker.unref();

  function lines(jobs: ViewJob[]): string[] {
    const now = Date.now();
    const nameWidth = Math.max(4, ...jobs.map((j) => j.name.length));
    const line = (j: ViewJob) => `${iconOf(j, true)} ${j.name.padEnd(nameWidth)}  \x1b[90m${durationOf(j, now)}\x1b[0m`;
    const room = Math.max(5, (out.rows ?? 40) - 2);
    if (jobs.length <= room) return jobs.map(line);
    // Too many for the screen: running and failed ones first, the rest counted.
    const interesting = jobs.filter((j) => j.status === 'running' || (j.status === 'failed' && !j.allowFailure)).slice(0, room - 1);
    const counts = new Map<string, number>();
    for (const j of jobs) counts.set(j.status, (counts.get(j.status) ?? 0) + 1);
    const summary = [...counts].map(([status, n]) => `${n} ${status}`).join(', ');
    return [...interesting.map(line), `\x1b[90m${jobs.length} jobs: ${summary}\x1b[0m`];
  }

  function draw(): void {
    if (pending) { clearTimeout(pending); pending = null; }
    lastDraw = Date.now();
    const next = lines(latest);
    let text = drawnLines > 0 ? `\x1b[${drawnLines}A` : '';
    for (const l of next) text += `\r\x1b[2K${l}\n`;
    // A shorter frame than the last one: clear what is left below.
    if (next.length < drawnLines) text += '\x1b[0J';
    drawnLines = next.length;
    out.write(text);
  }

  return {
    update(jobs) {
      latest = jobs;
      const wait = frameMs - (Date.now() - lastDraw);
      if (wait <= 0) draw();
      else if (!pending) pending = setTimeout(draw, wait);
    },
    finish(jobs) {
      clearInterval(ticker);
      latest = jobs;
      draw();
    },
  };
}

/** The last `lines` lines of a job log, without GitLab's section markers. */
export function logTail(log: string, lines = 25): string {
  // eslint-disable-next-line no-control-regex -- GitLab's section markers end in ESC[0K
  const clean = log.replace(/section_(?:start|end):\d+:[^\r\n]*?\r\x1b\[0K/g, '').replace(/\r\n/g, '\n');
  const all = clean.split('\n');
  while (all.length > 0 && all[all.length - 1]!.trim() === '') all.pop();
  return all.slice(-lines).join('\n');
}

/** Text without ANSI escape sequences (log tails written to a pipe or file). */
export function stripAnsi(text: string): string {
  // eslint-disable-next-line no-control-regex -- matching ESC is the point
  return text.replace(/\x1b\[[0-9;]*[A-Za-z]/g, '');
}
