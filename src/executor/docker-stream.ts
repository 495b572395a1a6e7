/**
 * Docker's multiplexed stdout/stderr stream (containers without a TTY): frames of an 8-byte
 * header [stream, 0, 0, 0, size (uint32 big-endian)] followed by `size` bytes. The demuxer
 * accepts the stream in arbitrary chunks and hands each payload on in order. Pure.
 */
export interface DockerDemuxer {
  push(chunk: Uint8Array): void;
}

export function createDockerDemuxer(onPayload: (payload: Buffer, stream: 'stdout' | 'stderr') => void): DockerDemuxer {
  let buffer = Buffer.alloc(0);
  return {
    push(chunk) {
      buffer = buffer.length ? Buffer.concat([buffer, chunk]) : Buffer.from(chunk);
      while (buffer.length >= 8) {
        const size = buffer.readUInt32BE(4);
        if (buffer.length < 8 + size) break;
        const kind = buffer[0] === 2 ? 'stderr' : 'stdout';
        if (size > 0) onPayload(buffer.subarray(8, 8 + size), kind);
        buffer = buffer.subarray(8 + size);
      }
    },
  };
}

/** Splits an image reference into the name and tag Docker's /images/create wants. Pure. */
export function splitImageReference(ref: string): { fromImage: string; tag: string } {
  const at = ref.indexOf('@');
  if (at !== -1) return { fromImage: ref.slice(0, at), tag: ref.slice(at + 1) };
  const slash = ref.lastIndexOf('/');
  const colon = ref.lastIndexOf(':');
  if (colon > slash) return { fromImage: ref.slice(0, colon), tag: ref.slice(colon + 1) };
  return { fromImage: ref, tag: 'latest' };
}

/**
 * Host names a service container answers to, as gitlab-runner derives them: the explicit
 * alias(es), else the image name without tag, with '/' replaced by '__' and by '-'. Pure.
 */
export function serviceAliases(name: string, alias?: string): string[] {
  if (alias) return alias.split(/[\s,]+/).filter(Boolean);
  const { fromImage } = splitImageReference(name);
  const withoutRegistry = fromImage.includes('/') && /[.:]/.test(fromImage.split('/')[0] ?? '') ? fromImage.split('/').slice(1).join('/') : fromImage;
  return [...new Set([withoutRegistry.replace(/\//g, '__'), withoutRegistry.replace(/\//g, '-')])];
}

/** Where the Docker Engine API listens: DOCKER_HOST (unix:// only) or the default socket. */
export function dockerSocketPath(dockerHost: string | undefined): { ok: true; socketPath: string } | { ok: false; reason: string } {
  if (!dockerHost) return { ok: true, socketPath: '/var/run/docker.sock' };
  if (dockerHost.startsWith('unix://')) return { ok: true, socketPath: dockerHost.slice('unix://'.length) };
  return { ok: false, reason: `DOCKER_HOST=${dockerHost} is not supported (only unix:// sockets)` };
}
