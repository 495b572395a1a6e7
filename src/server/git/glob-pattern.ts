/**
 * Path globs as CI configurations write them (rules:changes, cache:key:files, artifacts paths),
 * compiled to a RegExp matched against whole repository paths ("src/a.ts", no leading slash).
 *
 * `*` and `?` never cross a `/`; `**\/` matches zero or more whole directories and a trailing
 * `/**` everything below; `[abc]`, `[!a-z]`/`[^a-z]`, `{a,b}` (nestable) and `\x` escapes work as
 * in Ruby's File.fnmatch with FNM_PATHNAME | FNM_EXTGLOB | FNM_DOTMATCH, which GitLab uses:
 * dot files are matched by wildcards.
 */
export function globToRegExp(glob: string): RegExp {
  const pattern = glob.startsWith('./') ? glob.slice(2) : glob.startsWith('/') ? glob.slice(1) : glob;
  return new RegExp(`^${translate(pattern)}$`, 'u');
}

export function matchesGlob(glob: string, path: string): boolean {
  return globToRegExp(glob).test(path);
}

function escapeChar(ch: string): string {
  return /[\\^$.*+?()[\]{}|/]/.test(ch) ? `\\${ch}` : ch;
}

function translate(glob: string): string {
  let out = '';
  let braceDepth = 0;
  for (let i = 0; i < glob.length; i++) {
    const ch = glob[i]!;
    if (ch === '\\' && i + 1 < glob.length) {
      out += escapeChar(glob[++i]!);
    } else if (ch === '*') {
      if (glob[i + 1] === '*') {
        const atSegmentStart = i === 0 || glob[i - 1] === '/';
        const next = glob[i + 2];
        if (atSegmentStart && next === '/') {
          out += '(?:[^/]*/)*';
          i += 2;
          continue;
        }
        if (atSegmentStart && next === undefined) {
          out += '.*';
          i += 1;
          continue;
        }
        i += 1;
      }
      out += '[^/]*';
    } else if (ch === '?') {
      out += '[^/]';
    } else if (ch === '[') {
      const close = findClassEnd(glob, i);
      if (close < 0) {
        out += '\\[';
        continue;
      }
      let body = glob.slice(i + 1, close);
      let negate = false;
      if (body.startsWith('!') || body.startsWith('^')) {
        negate = true;
        body = body.slice(1);
      }
      const cls = body.replace(/\\(.)/g, '$1').split('').map((c) => (c === '-' ? '-' : /[\\\]^[]/.test(c) ? `\\${c}` : c)).join('');
      out += negate ? `(?:(?!/)[^${cls}])` : `[${cls}]`;
      i = close;
    } else if (ch === '{') {
      braceDepth++;
      out += '(?:';
    } else if (ch === '}' && braceDepth > 0) {
      braceDepth--;
      out += ')';
    } else if (ch === ',' && braceDepth > 0) {
      out += '|';
    } else {
      out += escapeChar(ch);
    }
  }
  // An unclosed brace is literal in fnmatch; closing the groups keeps the RegExp valid.
  return out + ')'.repeat(braceDepth);
}

function findClassEnd(glob: string, open: number): number {
  let j = open + 1;
  if (glob[j] === '!' || glob[j] === '^') j++;
  if (glob[j] === ']') j++;
  for (; j < glob.length; j++) {
    if (glob[j] === '\\') j++;
    else if (glob[j] === ']') return j;
  }
  return -1;
}
