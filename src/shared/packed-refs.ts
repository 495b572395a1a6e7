/**
 * git's `packed-refs` file, read by the runner's in-process checkout and by the repository host:
 * ref name → object id, in file order. Peeled `^` lines (what an annotated tag points at) and the
 * `# pack-refs with:` header are skipped. Only SHA-1 ids: repositories with other object
 * formats carry an `[extensions]` section, and both readers leave those to git.
 */
export function parsePackedRefs(text: string): Map<string, string> {
  const refs = new Map<string, string>();
  for (const line of text.split('\n')) {
    const m = /^([0-9a-f]{40}) (refs\/\S+)$/.exec(line);
    if (m) refs.set(m[2]!, m[1]!);
  }
  return refs;
}
