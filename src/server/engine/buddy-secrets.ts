import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { AppError } from '../../shared/index.js';
import type { Store } from '../store/index.js';

/**
 * Encrypted Buddy variables at rest: AES-256-GCM, a fresh 96-bit IV per value, sealed as
 * `enc:v1:<iv>:<tag>:<ciphertext>` (base64). The 256-bit key lives in a file (<dataDir>/secret.key,
 * created 0600 when missing) when one is configured; otherwise in the database's buddy_keys table,
 * which still keeps clear values out of the variables table, dumps of it and the API, but not
 * away from someone holding the whole database.
 */
export interface SecretBox {
  seal(clear: string): string;
  open(sealed: string): string;
}

const PREFIX = 'enc:v1:';

export function secretBoxFromKey(key: Buffer): SecretBox {
  if (key.length !== 32) throw new AppError('config_invalid', 'the secret key must be 32 bytes');
  return {
    seal(clear) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const data = Buffer.concat([cipher.update(clear, 'utf8'), cipher.final()]);
      return `${PREFIX}${iv.toString('base64')}:${cipher.getAuthTag().toString('base64')}:${data.toString('base64')}`;
    },
    open(sealed) {
      if (!sealed.startsWith(PREFIX)) return sealed;
      const [iv, tag, data] = sealed.slice(PREFIX.length).split(':');
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv ?? '', 'base64'));
      decipher.setAuthTag(Buffer.from(tag ?? '', 'base64'));
      return Buffer.concat([decipher.update(Buffer.from(data ?? '', 'base64')), decipher.final()]).toString('utf8');
    },
  };
}

/** Loads (or creates) the key once, on first use. */
export function lazySecretBox(options: { store: Store; keyFile?: string; now(): number }): () => Promise<SecretBox> {
  let loading: Promise<SecretBox> | null = null;
  return () => {
    loading ??= (async () => {
      if (options.keyFile) {
        if (!existsSync(options.keyFile)) {
          try { writeFileSync(options.keyFile, randomBytes(32).toString('hex'), { mode: 0o600, flag: 'wx' }); } catch { /* another process made it */ }
        }
        return secretBoxFromKey(Buffer.from(readFileSync(options.keyFile, 'utf8').trim(), 'hex'));
      }
      const hex = await options.store.buddyState.ensureKey('variables', randomBytes(32).toString('hex'), options.now());
      return secretBoxFromKey(Buffer.from(hex, 'hex'));
    })();
    return loading;
  };
}
