import { parseTrustProxy } from './trust-proxy.js';

describe('parseTrustProxy', () => {
  it.each([
    [undefined, false],
    ['', false],
    ['off', false],
    ['false', false],
    ['0', false],
    ['1', 1],
    [' 2 ', 2],
    ['10.0.0.0/8', ['10.0.0.0/8']],
    ['127.0.0.1, 10.1.2.3', ['127.0.0.1', '10.1.2.3']],
    ['::1,fd00::/8', ['::1', 'fd00::/8']],
  ])('should read %j as %j', (raw, expected) => {
    expect(parseTrustProxy(raw)).toEqual(expected);
  });

  it.each(['true', '33', 'proxy.local', '10.0.0.0/33', '10.0.0.1/8/1', '1.2.3', 'fd00::/129', '10.0.0.0/x'])(
    'should refuse %j naming the variable',
    (raw) => {
      const result = parseTrustProxy(raw);
      expect(result).toEqual({ error: expect.stringContaining('TRUST_PROXY') });
    },
  );
});
