/**
 * A job log as display lines with GitLab's collapsible sections, built incrementally.
 *
 * GitLab marks sections in the raw log as
 *   `section_start:<unix ts>:<name>[<options>]\r\e[0K<header text>` … `section_end:<unix ts>:<name>\r\e[0K`
 * Contract: `append` takes any slice of the log (chunks may split lines and escapes anywhere) and
 * only ever adds lines — earlier `LogLine` objects are never changed, so a view keyed by
 * `line.number` re-renders only new lines. The unfinished last line is exposed separately as
 * `pending` (recomputed each time) because more text may still arrive for it. Sections nest; a
 * `section_end` closes the named section and any left open inside it; an unmatched end is ignored.
 */
import { parseAnsi, PLAIN, segmentsToHtml, type SgrStyle } from './ansi.ts';

export interface LogSection {
  readonly id: string;
  readonly name: string;
  readonly startedAt: number;
  /** Unix seconds from section_end; null while the section is still open. */
  endedAt: number | null;
  readonly collapsedByDefault: boolean;
}

export interface LogLine {
  /** 1-based, stable: the key for rendering. */
  readonly number: number;
  readonly html: string;
  /** Ids of the sections that enclose this line, outermost first. */
  readonly ancestors: readonly string[];
  /** Set when this line is the header of a section (the section itself is not in `ancestors`). */
  readonly sectionId: string | null;
}

// eslint-disable-next-line no-control-regex
const MARKER = /section_(start|end):(\d+):([A-Za-z0-9_.-]+)(?:\[([^\]\r\n]*)\])?\r?(?:\x1b\[0?K)?/g;

export class LogModel {
  lines: LogLine[] = [];
  pending: LogLine | null = null;
  readonly sections = new Map<string, LogSection>();
  private style: SgrStyle = PLAIN;
  private stack: string[] = [];
  private rest = '';
  private nameCounts = new Map<string, number>();
  private decoder = new TextDecoder();

  /** Appends raw bytes (decoded as UTF-8, multi-byte characters may straddle chunks). */
  appendBytes(bytes: Uint8Array): void {
    this.append(this.decoder.decode(bytes, { stream: true }));
  }

  append(text: string): void {
    const data = this.rest + text;
    const parts = data.split('\n');
    this.rest = parts.pop() ?? '';
    const added: LogLine[] = [];
    for (const raw of parts) this.processLine(raw.endsWith('\r') ? raw.slice(0, -1) : raw, added);
    if (added.length) this.lines = this.lines.concat(added);
    this.pending = this.rest ? this.preview(this.rest) : null;
  }

  private push(out: LogLine[], text: string, sectionId: string | null): void {
    const { segments, style } = parseAnsi(text, this.style);
    this.style = style;
    const number = this.lines.length + out.length + 1;
    out.push({ number, html: segmentsToHtml(segments), ancestors: [...this.stack], sectionId });
  }

  private processLine(raw: string, out: LogLine[]): void {
    MARKER.lastIndex = 0;
    let m = MARKER.exec(raw);
    if (!m) { this.push(out, raw, null); return; }
    // Text before the first marker is an ordinary line of its own, if it shows anything.
    const before = raw.slice(0, m.index);
    if (visible(before)) this.push(out, before, null); else this.style = parseAnsi(before, this.style).style;
    while (m) {
      const [whole, kind, ts, name, options] = m;
      const next = MARKER.exec(raw);
      const textStart = m.index + whole.length;
      const text = raw.slice(textStart, next ? next.index : raw.length);
      if (kind === 'start' && name) {
        const count = (this.nameCounts.get(name) ?? 0) + 1;
        this.nameCounts.set(name, count);
        const id = count === 1 ? name : `${name}~${count}`;
        this.sections.set(id, {
          id, name, startedAt: Number(ts), endedAt: null,
          collapsedByDefault: /(?:^|,)\s*collapsed\s*=\s*true\s*(?:,|$)/.test(options ?? ''),
        });
        this.push(out, text || name, id);
        this.stack.push(id);
      } else if (name) {
        const at = this.stack.findLastIndex((id) => this.sections.get(id)?.name === name);
        if (at >= 0) {
          for (const id of this.stack.slice(at)) { const s = this.sections.get(id); if (s && s.endedAt === null) s.endedAt = Number(ts); }
          this.stack = this.stack.slice(0, at);
        }
        if (visible(text)) this.push(out, text, null); else this.style = parseAnsi(text, this.style).style;
      }
      m = next;
    }
  }

  /** The unfinished last line as it would show now, markers removed, without touching state. */
  private preview(raw: string): LogLine {
    MARKER.lastIndex = 0;
    const { segments } = parseAnsi(raw.replace(MARKER, ''), this.style);
    return { number: this.lines.length + 1, html: segmentsToHtml(segments), ancestors: [...this.stack], sectionId: null };
  }
}

/** Whether text shows anything once escapes and carriage-return rewinds are applied. */
function visible(text: string): boolean {
  return parseAnsi(text).segments.some((s) => s.text.length > 0);
}

/** Whether a line is shown, given which sections are collapsed. Headers stay visible when their own section is collapsed. */
export function isLineVisible(line: LogLine, collapsed: ReadonlySet<string>): boolean {
  for (const id of line.ancestors) if (collapsed.has(id)) return false;
  return true;
}

/** Seconds a section took, or null while open. */
export function sectionDurationSeconds(section: LogSection): number | null {
  return section.endedAt === null ? null : Math.max(0, section.endedAt - section.startedAt);
}
