/**
 * ANSI SGR → styled segments → escaped HTML, for job logs.
 *
 * Contract: `parseAnsi` never interprets anything but SGR (`ESC [ … m`); every other escape
 * sequence (cursor moves, erase-line `ESC [ 0 K`, OSC titles and hyperlinks) is dropped. A bare
 * `\r` inside a line means "the terminal went back to column 0": segments before it are discarded
 * (progress bars, GitLab's `\r ESC[0K` after section markers) while the colour state carries on.
 * `segmentsToHtml` is the only place log text becomes HTML, and it escapes every character that
 * could open markup — job output is attacker-controlled.
 */

export type AnsiColor = { kind: 'palette'; index: number } | { kind: 'rgb'; r: number; g: number; b: number };

export interface SgrStyle {
  readonly fg: AnsiColor | null;
  readonly bg: AnsiColor | null;
  readonly bold: boolean;
  readonly faint: boolean;
  readonly italic: boolean;
  readonly underline: boolean;
  readonly inverse: boolean;
}

export interface StyledSegment {
  readonly text: string;
  readonly style: SgrStyle;
}

export const PLAIN: SgrStyle = Object.freeze({
  fg: null, bg: null, bold: false, faint: false, italic: false, underline: false, inverse: false,
});

/** Reads an extended colour (`38;5;n` or `38;2;r;g;b`) starting at params[i]; returns it and how many params it used. */
function extendedColor(params: number[], i: number): { color: AnsiColor | null; used: number } {
  const mode = params[i + 1];
  if (mode === 5) {
    const index = params[i + 2];
    if (index === undefined || index < 0 || index > 255) return { color: null, used: 2 };
    return { color: { kind: 'palette', index }, used: 3 };
  }
  if (mode === 2) {
    const [r, g, b] = [params[i + 2], params[i + 3], params[i + 4]];
    if (r === undefined || g === undefined || b === undefined) return { color: null, used: params.length - i };
    const clamp = (n: number) => Math.max(0, Math.min(255, n));
    return { color: { kind: 'rgb', r: clamp(r), g: clamp(g), b: clamp(b) }, used: 5 };
  }
  return { color: null, used: 1 };
}

/** Applies one SGR parameter list to a style; an empty list means reset, as terminals do. */
export function applySgr(style: SgrStyle, params: number[]): SgrStyle {
  if (params.length === 0) return PLAIN;
  let next: { -readonly [K in keyof SgrStyle]: SgrStyle[K] } = { ...style };
  for (let i = 0; i < params.length; i++) {
    const p = params[i] ?? 0;
    if (p === 0) next = { ...PLAIN };
    else if (p === 1) next.bold = true;
    else if (p === 2) next.faint = true;
    else if (p === 3) next.italic = true;
    else if (p === 4) next.underline = true;
    else if (p === 7) next.inverse = true;
    else if (p === 22) { next.bold = false; next.faint = false; }
    else if (p === 23) next.italic = false;
    else if (p === 24) next.underline = false;
    else if (p === 27) next.inverse = false;
    else if (p >= 30 && p <= 37) next.fg = { kind: 'palette', index: p - 30 };
    else if (p >= 90 && p <= 97) next.fg = { kind: 'palette', index: p - 90 + 8 };
    else if (p === 39) next.fg = null;
    else if (p >= 40 && p <= 47) next.bg = { kind: 'palette', index: p - 40 };
    else if (p >= 100 && p <= 107) next.bg = { kind: 'palette', index: p - 100 + 8 };
    else if (p === 49) next.bg = null;
    else if (p === 38 || p === 48) {
      const { color, used } = extendedColor(params, i);
      if (color) { if (p === 38) next.fg = color; else next.bg = color; }
      i += used - 1;
    }
    // Anything else (blink, conceal, fonts…) is ignored on purpose.
  }
  return next;
}

// CSI: ESC [ params intermediates final; OSC: ESC ] … (BEL | ESC \); other two-byte escapes.
// eslint-disable-next-line no-control-regex
const ESCAPE = /\x1b(?:\[([0-9;:?]*)[ -/]*([@-~])|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[@-Z\\-_])/g;

/**
 * Splits one line of raw log text into styled segments, starting from `style` (the state the
 * previous line ended in) and returning the state this line ends in.
 */
export function parseAnsi(line: string, style: SgrStyle = PLAIN): { segments: StyledSegment[]; style: SgrStyle } {
  let segments: StyledSegment[] = [];
  let current = style;
  let last = 0;
  const pushText = (text: string) => {
    // A carriage return not at the end of the line rewinds to column 0.
    const parts = text.split('\r');
    for (let k = 0; k < parts.length; k++) {
      if (k > 0 && (k < parts.length - 1 || parts[k] !== '')) segments = [];
      const part = parts[k] ?? '';
      if (part) segments.push({ text: part, style: current });
    }
  };
  ESCAPE.lastIndex = 0;
  for (let m = ESCAPE.exec(line); m; m = ESCAPE.exec(line)) {
    if (m.index > last) pushText(line.slice(last, m.index));
    last = ESCAPE.lastIndex;
    if (m[2] === 'm' && m[1] !== undefined && !m[1].includes('?')) {
      const params = m[1] === '' ? [] : m[1].split(/[;:]/).map((s) => (s === '' ? 0 : Number.parseInt(s, 10)));
      current = applySgr(current, params);
    }
  }
  if (last < line.length) pushText(line.slice(last));
  return { segments: mergeSegments(segments), style: current };
}

function mergeSegments(segments: StyledSegment[]): StyledSegment[] {
  const out: StyledSegment[] = [];
  for (const s of segments) {
    const prev = out[out.length - 1];
    if (prev && prev.style === s.style) out[out.length - 1] = { text: prev.text + s.text, style: s.style };
    else out.push(s);
  }
  return out;
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c);
}

/** xterm's 256-colour cube and grey ramp, for indexes 16–255. */
export function paletteRgb(index: number): [number, number, number] | null {
  if (index < 16) return null;
  if (index >= 232) { const v = 8 + (index - 232) * 10; return [v, v, v]; }
  const n = index - 16;
  const level = (k: number) => (k === 0 ? 0 : 55 + k * 40);
  return [level(Math.floor(n / 36)), level(Math.floor(n / 6) % 6), level(n % 6)];
}

function colorCss(color: AnsiColor, property: 'color' | 'background-color'): { cls?: string; css?: string } {
  if (color.kind === 'palette' && color.index < 16) return { cls: `${property === 'color' ? 'fg' : 'bg'}-${color.index}` };
  const rgb = color.kind === 'rgb' ? [color.r, color.g, color.b] : paletteRgb(color.index);
  return rgb ? { css: `${property}:rgb(${rgb.join(',')})` } : {};
}

/** One segment's attributes: palette colours as classes (themeable, contrast-checked), others inline. */
export function styleAttributes(style: SgrStyle): { classes: string[]; css: string[] } {
  const classes: string[] = [];
  const css: string[] = [];
  const fg = style.inverse ? style.bg : style.fg;
  const bg = style.inverse ? style.fg : style.bg;
  if (style.inverse && !fg) classes.push('fg-inverse');
  if (style.inverse && !bg) classes.push('bg-inverse');
  for (const [color, prop] of [[fg, 'color'], [bg, 'background-color']] as const) {
    if (!color) continue;
    const { cls, css: rule } = colorCss(color, prop);
    if (cls) classes.push(cls);
    if (rule) css.push(rule);
  }
  if (style.bold) classes.push('b');
  if (style.faint) classes.push('dim');
  if (style.italic) classes.push('i');
  if (style.underline) classes.push('u');
  return { classes, css };
}

/** Escaped HTML for a line's segments: plain text stays bare, styled text goes in spans. */
export function segmentsToHtml(segments: readonly StyledSegment[]): string {
  let html = '';
  for (const { text, style } of segments) {
    const { classes, css } = styleAttributes(style);
    const body = escapeHtml(text);
    if (!classes.length && !css.length) { html += body; continue; }
    const cls = classes.length ? ` class="${classes.join(' ')}"` : '';
    const st = css.length ? ` style="${css.join(';')}"` : '';
    html += `<span${cls}${st}>${body}</span>`;
  }
  return html;
}
