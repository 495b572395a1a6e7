/**
 * Path globs, compiled to RE2 so a user pattern cannot backtrack.
 *
 * `fnmatch` follows Ruby's File.fnmatch? with FNM_PATHNAME | FNM_DOTMATCH | FNM_EXTGLOB, which is
 * what GitLab uses for rules:changes, rules:exists and only/except:changes: `*` and `?` stop at
 * `/`, `**` followed by a slash matches zero or more directories, `{a,b}` alternates, `[…]` is a class.
 *
 * `includeWildcard` is GitLab's include:local wildcard, a different dialect: `**` matches across
 * directories, `*` within one, nothing else is special.
 */
import type { RE2JS } from 're2js';
import { re2 } from './re2.js';

const cache = new Map<string, RE2JS | null>();

function compileCached(key: string, source: () => string): RE2JS | null {
  if (cache.has(key)) return cache.get(key)!;
  let re: RE2JS | null;
  try {
    re = re2().compile(source(), re2().DOTALL);
  } catch {
    re = null;
  }
  if (cache.size > 5000) cache.clear();
  cache.set(key, re);
  return re;
}

export function fnmatch(glob: string, path: string): boolean {
  const re = compileCached(`f:${glob}`, () => `^${fnmatchSource(glob)}$`);
  try {
    return re ? re.matches(path) : false;
  } catch {
    return false;
  }
}

export function includeWildcard(pattern: string, path: string): boolean {
  const re = compileCached(`i:${pattern}`, () => `^${pattern.split('**').map((part) => part.split('*').map(quote).join('[^/]*')).join('.*')}$`);
  try {
    return re ? re.matches(path) : false;
  } catch {
    return false;
  }
}

export function hasGlobMeta(text: string): boolean {
  return /[*?[{]/.test(text);
}

function quote(text: string): string {
  return text.replace(/[\\^$.|?*+()[\]{}]/g, (c) => `\\${c}`);
}

function fnmatchSource(glob: string): string {
  let out = '';
  let braceDepth = 0;
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '\\' && i + 1 < glob.length) { out += quote(glob[++i]!); continue; }
    if (c === '*') {
      if (glob[i + 1] === '*' && (i === 0 || glob[i - 1] === '/') && glob[i + 2] === '/') {
        out += '(?:[^/]*/)*';
        i += 2;
        continue;
      }
      while (glob[i + 1] === '*') i++;
      out += '[^/]*';
      continue;
    }
    if (c === '?') { out += '[^/]'; continue; }
    if (c === '[') {
      const close = glob.indexOf(']', i + 2);
      if (close < 0) { out += '\\['; continue; }
      let body = glob.slice(i + 1, close);
      let negate = false;
      if (body.startsWith('!') || body.startsWith('^')) { negate = true; body = body.slice(1); }
      body = body.replace(/[\\\]^[]/g, (ch) => `\\${ch}`);
      out += negate ? `[^/${body}]` : `[${body}]`;
      i = close;
      continue;
    }
    if (c === '{') { braceDepth++; out += '(?:'; continue; }
    if (c === '}' && braceDepth > 0) { braceDepth--; out += ')'; continue; }
    if (c === ',' && braceDepth > 0) { out += '|'; continue; }
    out += quote(c);
  }
  while (braceDepth-- > 0) out += ')';
  return out;
}
