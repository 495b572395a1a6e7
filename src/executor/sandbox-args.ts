/**
 * The bubblewrap command line for one sandboxed script. Pure, so the guarantees below can be
 * read and tested without running anything:
 * - the host filesystem is visible read-only (--ro-bind / /), except the hidden paths, which are
 *   covered by an empty tmpfs (directories) or /dev/null (files, sockets);
 * - the job directory is the only writable host path, bound at the same absolute path;
 * - `readOnly` directories (the hosted object directories a checkout borrows through alternates)
 *   are bound read-only at their own path after the hidden paths, so they stay readable even
 *   inside a hidden directory, while nothing else of that directory is;
 * - /tmp is private (tmpfs), /dev minimal, /proc shows only the sandbox's processes;
 * - no capabilities, even when the runner is root (--cap-drop ALL: no remounting, no raw
 *   sockets, no new user namespaces with privileges);
 * - new pid, ipc and uts namespaces, a new session (no TIOCSTI on the runner's terminal), and the
 *   sandbox dies with the runner (--die-with-parent); killing bwrap kills everything inside;
 * - the network is shared with the host unless `network: false` (--unshare-net: only a loopback
 *   that is down).
 */
export interface SandboxArgsInput {
  jobDir: string;
  cwd: string;
  /** Existing hidden paths with their kind (resolved by the caller). */
  hidden: ReadonlyArray<{ path: string; kind: 'dir' | 'file' }>;
  /** Existing directories to show read-only at the same path (resolved by the caller). */
  readOnly?: readonly string[];
  network: boolean;
  /** The runner runs as root: bwrap then KEEPS all capabilities unless told otherwise. */
  asRoot: boolean;
  command: readonly string[];
}

export function buildSandboxArgs(input: SandboxArgsInput): string[] {
  const args = [
    '--ro-bind', '/', '/',
    '--dev', '/dev',
    '--proc', '/proc',
    '--tmpfs', '/tmp',
  ];
  for (const entry of input.hidden) {
    if (entry.kind === 'dir') args.push('--tmpfs', entry.path);
    else args.push('--ro-bind', '/dev/null', entry.path);
  }
  for (const path of input.readOnly ?? []) args.push('--ro-bind', path, path);
  // Last, so that the job directory stays reachable even under /tmp or under a hidden directory.
  args.push('--bind', input.jobDir, input.jobDir);
  args.push('--unshare-pid', '--unshare-ipc', '--unshare-uts', '--die-with-parent', '--new-session');
  // Without this a job started by a root runner could simply `mount -o remount,rw /`.
  if (input.asRoot) args.push('--cap-drop', 'ALL');
  if (!input.network) args.push('--unshare-net');
  args.push('--chdir', input.cwd, '--', ...input.command);
  return args;
}

/** Always hidden: a container engine's socket would let a job take over the host. */
export const ALWAYS_HIDDEN_PATHS = ['/var/run/docker.sock', '/run/docker.sock', '/run/containerd', '/run/podman'];
