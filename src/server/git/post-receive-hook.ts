import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** Folder inside each bare repository where the post-receive hook leaves one file per push. */
export const PUSH_JOURNAL_DIR = 'runnel-pushes';

/**
 * The post-receive hook installed in every hosted repository. Plain sh (no node on PATH needed).
 *
 * git runs post-receive once per push, after the refs are updated, with one `<old> <new> <ref>`
 * line per accepted update on stdin. The hook copies them to `runnel-pushes/<RUNNEL_PUSH_ID>`
 * (the id the HTTP handler put in the CGI environment), preceded by a `user <id>` line, writing a
 * temporary file and renaming it so a reader sees the whole push or nothing.
 *
 * It prints nothing: http-backend forwards hook output to the pusher as "remote:" lines. A push
 * made outside Runnel (an admin pushing to the path on disk) gets a local id and user "-", so it
 * is still journaled and delivered by the pending-push sweep.
 */
export const POST_RECEIVE_HOOK = `#!/bin/sh
# Installed by Runnel: journals this push's ref updates for the server (docs/git-hosting.md).
# Must print nothing: hook output reaches the pusher as "remote:" lines.
id=$RUNNEL_PUSH_ID
case $id in
  ''|*[!0-9a-zA-Z-]*) id="local-$$-$(date +%s)" ;;
esac
user=$RUNNEL_PUSH_USER
case $user in
  ''|*[!0-9]*) user=- ;;
esac
dir="\${GIT_DIR:-.}/${PUSH_JOURNAL_DIR}"
mkdir -p "$dir" || exit 0
tmp="$dir/.$id.tmp"
{ printf 'user %s\\n' "$user" && cat; } > "$tmp" && mv -f "$tmp" "$dir/$id"
exit 0
`;

/** Writes the hook with its executable bit (set explicitly: the umask may strip it). */
export async function installPostReceiveHook(repoPath: string): Promise<void> {
  const hooks = join(repoPath, 'hooks');
  await mkdir(hooks, { recursive: true });
  await mkdir(join(repoPath, PUSH_JOURNAL_DIR), { recursive: true });
  const file = join(hooks, 'post-receive');
  await writeFile(file, POST_RECEIVE_HOOK, { mode: 0o755 });
  await chmod(file, 0o755);
}
