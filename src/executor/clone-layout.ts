import type { GitInfo } from '../protocol/index.js';

/**
 * The files of the `.git` directory that the in-process checkout writes, chosen so that the job
 * sees what the clone path (`git clone --no-checkout --no-tags [--depth N] --branch <ref>` then
 * `git checkout -f <sha>`) leaves behind: the same config, refs and HEAD, with two differences
 * that only show in git's plumbing: the objects are borrowed from the hosted repository through
 * objects/info/alternates instead of copied into a pack, and the refs of the job's own branch
 * point at the job's commit (the clone takes the branch's tip at clone time, the same commit
 * unless the branch moved since the pipeline was created). Pure: the caller writes the files.
 *
 * What the clone leaves, per case:
 * - a branch with depth N: refs/heads/<b> and refs/remotes/origin/<b>, the fetch refspec of that
 *   branch only, refs/remotes/origin/HEAD when the remote HEAD is that branch, `shallow`;
 * - a branch with depth 0: the same plus every remote branch under refs/remotes/origin/ and the
 *   `+refs/heads/*` refspec;
 * - a tag: refs/tags/<t> (the annotated tag object, peeled in packed-refs) and its refspec, no
 *   branch.
 * HEAD is detached at the sha in every case; tags are not fetched (`tagOpt = --no-tags`).
 */
export interface CloneLayoutInput {
  git: Pick<GitInfo, 'ref' | 'ref_type' | 'sha' | 'depth'>;
  /** remote.origin.url, exactly as the clone path would store it. */
  url: string;
  /** The object directory the work tree borrows from (written to objects/info/alternates). */
  alternate: string;
  /** The hosted repository's HEAD branch, if any. */
  remoteHead: string | null;
  /** Full clones of a branch: every hosted branch → object id. */
  remoteBranches: ReadonlyMap<string, string> | null;
  /** Tag pipelines: what refs/tags/<t> holds and the commit it peels to. */
  tag: { oid: string; peeled: string } | null;
  /** The shallow boundary (commit ids), empty for full history. */
  shallow: readonly string[];
}

export interface CloneLayout {
  /** Directories to create, relative to `.git`, each after its parent. */
  dirs: string[];
  /** Files relative to `.git`, in any order. */
  files: Array<{ path: string; content: string }>;
}

export function cloneLayout(input: CloneLayoutInput): CloneLayout {
  const { git } = input;
  const refs = new Map<string, string>();
  const peeled = new Map<string, string>();
  const config = [
    '[core]', '\trepositoryformatversion = 0', '\tfilemode = true', '\tbare = false', '\tlogallrefupdates = true',
    '[remote "origin"]', `\turl = ${configValue(input.url)}`, '\ttagOpt = --no-tags',
  ];
  let originHead: string | null = null;
  if (git.ref_type === 'tag') {
    if (!input.tag) throw new Error('tag pipeline without the tag');
    config.push(`\tfetch = +refs/tags/${git.ref}:refs/tags/${git.ref}`);
    refs.set(`refs/tags/${git.ref}`, input.tag.oid);
    if (input.tag.oid !== input.tag.peeled) peeled.set(`refs/tags/${git.ref}`, input.tag.peeled);
  } else {
    if (git.depth === 0) {
      config.push('\tfetch = +refs/heads/*:refs/remotes/origin/*');
      for (const [name, oid] of input.remoteBranches ?? []) refs.set(`refs/remotes/origin/${name}`, oid);
    } else {
      config.push(`\tfetch = +refs/heads/${git.ref}:refs/remotes/origin/${git.ref}`);
    }
    refs.set(`refs/remotes/origin/${git.ref}`, git.sha);
    refs.set(`refs/heads/${git.ref}`, git.sha);
    config.push(`[branch "${git.ref}"]`, '\tremote = origin', `\tmerge = refs/heads/${git.ref}`);
    if (input.remoteHead !== null && refs.has(`refs/remotes/origin/${input.remoteHead}`)) originHead = input.remoteHead;
  }
  // packed-refs must be sorted by name when it says so; the `peeled` trait promises a `^` line
  // after every annotated tag under refs/tags/.
  const packed = ['# pack-refs with: peeled sorted '];
  for (const name of [...refs.keys()].sort(byBytes)) {
    packed.push(`${refs.get(name)} ${name}`);
    const target = peeled.get(name);
    if (target) packed.push(`^${target}`);
  }
  const files = [
    { path: 'HEAD', content: `${git.sha}\n` },
    { path: 'config', content: `${config.join('\n')}\n` },
    { path: 'packed-refs', content: `${packed.join('\n')}\n` },
    { path: 'objects/info/alternates', content: `${input.alternate}\n` },
  ];
  if (input.shallow.length > 0) files.push({ path: 'shallow', content: [...input.shallow].sort().map((oid) => `${oid}\n`).join('') });
  // Only what git needs to recognise the repository and what the files above live in: every
  // directory created costs a file-system create, and git makes the others when it needs them.
  const dirs = ['objects', 'objects/info', 'refs', ...(originHead !== null ? ['refs/remotes', 'refs/remotes/origin'] : [])];
  if (originHead !== null) {
    files.push({ path: 'refs/remotes/origin/HEAD', content: `ref: refs/remotes/origin/${originHead}\n` });
  }
  return { dirs, files };
}

function byBytes(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

/** A config value as git writes it: quoted (with `\` and `"` escaped) when it needs to be. */
function configValue(value: string): string {
  if (/[\n\r\0]/.test(value)) throw new Error('URL with a line break');
  if (!/[#;"\\]|^\s|\s$/.test(value)) return value;
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}
