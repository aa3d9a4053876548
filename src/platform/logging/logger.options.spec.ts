import { Writable } from 'node:stream';
import { pinoHttp, type Options } from 'pino-http';
import type { AppConfig } from '../config/app-config.js';
import { SecretMasker } from '../../common/secrets/secret-masker.js';
import { buildLoggerParams } from './logger.options.js';

const KEY = 'cp-SECRET+6w/5v=4u&x"q';

/** The logger exactly as the app configures it, writing to a captured destination. */
function capturedLogger() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  const masker = new SecretMasker([{ name: 'COINPAPRIKA_API_KEY', value: KEY }]);
  const params = buildLoggerParams({ logLevel: 'debug' } as AppConfig, masker);
  const { logger } = pinoHttp(params.pinoHttp as Options, destination);
  return { logger, lines };
}

describe(buildLoggerParams.name, () => {
  it('should mask a secret in any string of a log line: message, fields, errors, JSON, URL-encoded', () => {
    const { logger, lines } = capturedLogger();

    const fields = {
      upstream: { body: JSON.stringify({ key: KEY }) },
      query: `key=${encodeURIComponent(KEY)}`,
      err: new Error(`rejected ${KEY}`),
    };
    logger.info(fields, `echoed ${KEY}`);
    logger.warn({ authorization: `Basic ${Buffer.from(`u:${KEY}`).toString('base64')}` }, 'basic');

    const out = lines.join('');
    expect(lines).toHaveLength(2);
    const forms = [KEY, encodeURIComponent(KEY), JSON.stringify(KEY).slice(1, -1), 'cp-SECRET'];
    expect(forms.filter((form) => out.includes(form))).toEqual([]);
    type Line = { msg: string; query: string; err: { message: string }; upstream: { body: string } };
    const first = JSON.parse(lines[0]) as Line;
    expect(first.msg).toBe('echoed [Redacted:COINPAPRIKA_API_KEY]');
    expect(first.query).toBe('key=[Redacted:COINPAPRIKA_API_KEY]');
    expect(first.err.message).toBe('rejected [Redacted:COINPAPRIKA_API_KEY]');
    expect(JSON.parse(first.upstream.body)).toEqual({ key: '[Redacted:COINPAPRIKA_API_KEY]' });
  });

  it('should leave lines without secrets as they are', () => {
    const { logger, lines } = capturedLogger();

    logger.info({ source: 'coinpaprika', counts: { inserted: 3 } }, 'batch committed');

    expect(JSON.parse(lines[0])).toMatchObject({
      source: 'coinpaprika',
      counts: { inserted: 3 },
      msg: 'batch committed',
    });
  });
});
