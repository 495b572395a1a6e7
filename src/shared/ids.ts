import * as crypto from 'node:crypto';
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Secrets handed to people (tokens) are random, shown once and stored as a SHA-256 digest. A
 * digest, not a slow KDF, because tokens carry 160+ bits of entropy: brute force is hopeless and
 * every API request must look one up by digest in one indexed query.
 */
export function randomToken(prefix: string, bytes = 24): string {
  return prefix + randomBytes(bytes).toString('base64url');
}

// Node's one-shot `crypto.hash` (20.12+) digests a short string in about a third of the time of
// createHash (no Hash object); the engines field still admits 20.11, which lacks it.
const oneShot = typeof crypto.hash === 'function' ? crypto.hash : null;

export function digestToken(token: string): string {
  return oneShot ? oneShot('sha256', token, 'hex') : createHash('sha256').update(token, 'utf8').digest('hex');
}

export function sameSecret(a: string, b: string): boolean {
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  return ab.length === bb.length && timingSafeEqual(ab, bb);
}

/** A short random hex id for things that need uniqueness but no secrecy (lease ids, temp names). */
export function randomId(bytes = 8): string {
  return randomBytes(bytes).toString('hex');
}
