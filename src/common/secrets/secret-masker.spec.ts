import { MIN_SECRET_LENGTH, SecretMasker } from './secret-masker.js';
import { SecretEnv } from './secret-variables.js';

const KEY = 'cg-SECRET-9z8y7x';
const ODD = 'p@ss w/rd+"quoted"&=ü';

function masker(): SecretMasker {
  return new SecretMasker([
    { name: 'COINGECKO_API_KEY', value: KEY },
    { name: 'DATABASE_URL', value: ODD },
  ]);
}

const b64 = (s: string) => Buffer.from(s).toString('base64');
const lowerHex = (s: string) => s.replace(/%[0-9A-F]{2}/g, (h) => h.toLowerCase());

describe(SecretMasker.name, () => {
  describe('mask', () => {
    it.each([
      ['plain', `invalid key ${KEY}.`, 'COINGECKO_API_KEY'],
      ['percent-encoded', `?x_cg_demo_api_key=${encodeURIComponent(ODD)}&page=1`, 'DATABASE_URL'],
      ['percent-encoded, lower-case hex', `key=${lowerHex(encodeURIComponent(ODD))}`, 'DATABASE_URL'],
      ['form-encoded', `body: ${new URLSearchParams({ key: ODD }).toString()}`, 'DATABASE_URL'],
      ['inside JSON', JSON.stringify({ error: `bad key ${ODD}` }), 'DATABASE_URL'],
      ['JSON inside a JSON log line', JSON.stringify({ msg: JSON.stringify({ error: ODD }) }), 'DATABASE_URL'],
      ['Basic auth of user:key', `authorization: Basic ${b64(`admin:${KEY}`)}`, 'COINGECKO_API_KEY'],
      ['Basic auth of key:', `Basic ${b64(`${KEY}:`)}`, 'COINGECKO_API_KEY'],
      ['base64 at byte offset 2', `token=${b64(`ab${KEY}xyz`)}`, 'COINGECKO_API_KEY'],
      ['base64url', Buffer.from(`u:${ODD}`).toString('base64url'), 'DATABASE_URL'],
    ])('should mask a secret carried %s', (_form, text, name) => {
      const out = masker().mask(text);

      expect(out).toContain(`[Redacted:${name}]`);
      const leaks = [KEY, ODD, encodeURIComponent(ODD), b64(KEY).slice(2, 12), b64(`admin:${KEY}`)];
      expect(leaks.filter((leak) => out.includes(leak))).toEqual([]);
    });

    it('should keep the text around the secret as it was', () => {
      expect(masker().mask(`a ${KEY} b ${KEY}`)).toBe('a [Redacted:COINGECKO_API_KEY] b [Redacted:COINGECKO_API_KEY]');
    });

    it('should mask the whole base64 token, not leave its edges', () => {
      const text = `Authorization: Basic ${b64(`admin:${KEY}`)} next`;

      expect(masker().mask(text)).toBe('Authorization: Basic [Redacted:COINGECKO_API_KEY] next');
    });

    it('should mask a secret that contains another one whole', () => {
      const sut = new SecretMasker([
        { name: 'SHORT', value: 'abcdef' },
        { name: 'LONG', value: 'xx-abcdef-yy' },
      ]);

      expect(sut.mask('xx-abcdef-yy and abcdef')).toBe('[Redacted:LONG] and [Redacted:SHORT]');
    });

    it('should return text without secrets unchanged', () => {
      const text = 'coingecko: upstream answered HTTP 500 for http://127.0.0.1/v3/coins (upstream says: oops)';

      expect(masker().mask(text)).toBe(text);
    });

    it(`should not mask secrets shorter than ${MIN_SECRET_LENGTH} characters, and report them`, () => {
      const sut = new SecretMasker([
        { name: 'TINY_TOKEN', value: 'a' },
        { name: 'FIVE_KEY', value: 'abcde' },
        { name: 'EMPTY_KEY', value: '' },
      ]);

      expect(sut.mask('a banana, abcde')).toBe('a banana, abcde');
      expect(sut.tooShort).toEqual(['FIVE_KEY', 'TINY_TOKEN']);
      expect(sut.names).toEqual([]);
    });
  });

  describe('maskDeep', () => {
    it('should walk an object shared by two branches in both, and cut only real cycles', () => {
      const shared = { status: 'down', message: `key ${KEY} refused` };
      const cyclic: Record<string, unknown> = { name: 'loop' };
      cyclic.self = cyclic;

      const out = masker().maskDeep({ error: { database: shared }, details: { database: shared }, cyclic });

      const masked = { status: 'down', message: 'key [Redacted:COINGECKO_API_KEY] refused' };
      expect(out).toEqual({
        error: { database: masked },
        details: { database: masked },
        cyclic: { name: 'loop', self: '[Circular]' },
      });
    });

    it('should mask every string of an object, errors included, without touching the original', () => {
      const original = {
        status: 401,
        body: { message: [`key ${KEY}`], nested: { [KEY]: true } },
        err: new Error(`bad ${KEY}`),
      };

      const out = masker().maskDeep(original);

      expect(JSON.stringify(out)).not.toContain(KEY);
      expect(out.status).toBe(401);
      expect((out.err as unknown as { message: string }).message).toBe('bad [Redacted:COINGECKO_API_KEY]');
      expect(original.body.message[0]).toContain(KEY);
    });

    it('should copy an object referenced twice (terminus health details) and cut only real cycles', () => {
      const database = { status: 'down', message: `lost ${KEY}` };
      const cyclic: Record<string, unknown> = { name: 'loop' };
      cyclic.self = cyclic;
      const shared = { error: { database }, details: { database }, list: [database, database], cyclic };

      const out = masker().maskDeep(shared) as unknown as typeof shared & { cyclic: { self: unknown } };

      expect(out.details.database).toEqual({ status: 'down', message: 'lost [Redacted:COINGECKO_API_KEY]' });
      expect(out.error.database).toEqual(out.details.database);
      expect(out.list).toEqual([out.details.database, out.details.database]);
      expect(out.cyclic.self).toBe('[Circular]');
    });
  });

  describe('fromEnvironment', () => {
    class PluginEnv {
      @SecretEnv()
      WIDGET_SIGNATURE?: string;
    }

    it('should take declared secrets, credential-like names and URL passwords, and nothing else', () => {
      expect(new PluginEnv()).toBeInstanceOf(PluginEnv);
      const sut = SecretMasker.fromEnvironment({
        WIDGET_SIGNATURE: 'sig-123456',
        COINPAPRIKA_API_KEY: 'cp-SECRET-6w5v4u',
        ADMIN_API_KEY: 'admin-SECRET-1a2b3c4d',
        DATABASE_URL: 'postgres://kasparro:db%2Fpa%24%24word@db:5432/kasparro',
        OTHER_URL: 'https://user:hunter22@example.test/x',
        RSS_FEED_URLS: 'https://feeds.example/rss',
        LOG_LEVEL: 'info-level-text',
        EMPTY_TOKEN: '  ',
        SHORT_TOKEN: 'abc',
      });

      expect(sut.names).toEqual([
        'ADMIN_API_KEY',
        'COINPAPRIKA_API_KEY',
        'DATABASE_URL',
        'OTHER_URL',
        'WIDGET_SIGNATURE',
      ]);
      expect(sut.mask('pw db/pa$$word and hunter22, sig-123456')).toBe(
        'pw [Redacted:DATABASE_URL] and [Redacted:OTHER_URL], [Redacted:WIDGET_SIGNATURE]',
      );
      expect(sut.mask('info-level-text https://feeds.example/rss')).toBe('info-level-text https://feeds.example/rss');
      // Only a declared variable is worth a warning; a name that merely looks like one is skipped quietly.
      expect(sut.tooShort).toEqual([]);
      const short = SecretMasker.fromEnvironment({ WIDGET_SIGNATURE: 'abc', SHORT_TOKEN: 'abc' });
      expect(short.tooShort).toEqual(['WIDGET_SIGNATURE']);
    });
  });
});
