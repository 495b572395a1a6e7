import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { createLogger, noopLogger, silentLogger } from './logger.js';

describe('loggers', () => {
  it('createLogger writes JSON lines at its level and above', async () => {
    const out = new PassThrough();
    let text = '';
    out.on('data', (c: Buffer) => { text += c.toString(); });
    const logger = createLogger({ level: 'warn', destination: out });
    logger.info('hidden');
    logger.child({ jobId: 7 }).warn({ reason: 'x' }, 'shown');
    await new Promise((resolve) => setImmediate(resolve));
    const lines = text.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.equal(lines.length, 1);
    assert.equal(lines[0]!.msg, 'shown');
    assert.equal(lines[0]!.jobId, 7);
  });

  it('silentLogger and noopLogger take every call the code makes and write nothing', () => {
    for (const logger of [silentLogger(), noopLogger()]) {
      const child = logger.child({ runId: 1 });
      for (const l of [logger, child]) {
        l.fatal('x'); l.error({ err: new Error('e') }, 'x'); l.warn('x'); l.info('x'); l.debug('x'); l.trace('x');
      }
      assert.equal(typeof child.child({}).info, 'function');
    }
  });
});
