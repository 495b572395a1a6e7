import { posix } from 'node:path';

/**
 * Glob patterns for artifact and cache paths, with doublestar semantics as gitlab-runner uses
 * them: `*` and `?` stay inside one path segment, `**` spans any number of segments (including
 * none), `[abc]` / `[!abc]` classes, `\` escapes. Patterns and paths are relative, '/'-separated.
 * Pure.
 */
export function hasGlobMagic(pattern: string): boolean {
  return /[*?[]/.test(pattern);
}

export function globToRegExp(pattern: string): RegExp {
  let re = '';
  const segments = pattern.split('/');
  segments.forEach((segment, index) => {
    const last = index === segments.length - 1;
    if (segment === '**') {
      // "**/" matches zero or more whole segments; a trailing "**" matches everything below.
      re += last ? '.*' : '(?:[^/]+/)*';
      return;
    }
    for (let i = 0; i < segment.length; i++) {
      const c = segment[i] as string;
      if (c === '\\' && i + 1 < segment.length) {
        re += escapeRegExp(segment[++i] as string);
      } else if (c === '*') {
        re += '[^/]*';
      } else if (c === '?') {
        re += '[^/]';
      } else if (c === '[') {
        const close = segment.indexOf(']', i + 2);
        if (close === -1) {
          re += '\\[';
        } else {
          let body = segment.slice(i + 1, close);
          const negate = body.startsWith('!') || body.startsWith('^');
          if (negate) body = body.slice(1);
          re += `[${negate ? '^' : ''}${body.replace(/[\\\]]/g, '\\$&')}]`;
          i = close;
        }
      } else {
        re += escapeRegExp(c);
      }
    }
    if (!last) re += '/';
  });
  return new RegExp(`^${re}$`);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

export type PathCheck = { ok: true; path: string } | { ok: false; reason: string };

/**
 * Normalises a user-given artifact/cache path relative to the project directory and refuses
 * anything outside it (absolute paths elsewhere, `..` escapes).
 */
export function normaliseProjectPath(raw: string, projectDir: string): PathCheck {
  let path = raw.trim();
  if (path === '') return { ok: false, reason: 'empty path' };
  if (path.startsWith('/')) {
    const rel = posix.relative(projectDir, posix.normalize(path));
    if (rel.startsWith('..') || posix.isAbsolute(rel)) return { ok: false, reason: 'outside the project directory' };
    path = rel === '' ? '.' : rel;
  }
  const normal = posix.normalize(path).replace(/\/+$/, '');
  if (normal === '..' || normal.startsWith('../')) return { ok: false, reason: 'outside the project directory' };
  return { ok: true, path: normal === '' ? '.' : normal };
}
