import { errorCauseOf, errorCodeOf, errorMessageOf } from './error-code.js';

describe(errorCodeOf.name, () => {
  it('should read a string code of an error or a plain object', () => {
    expect(errorCodeOf(Object.assign(new Error('gone'), { code: 'ECONNREFUSED' }))).toBe('ECONNREFUSED');
    expect(errorCodeOf({ code: '23505' })).toBe('23505');
  });

  it('should be undefined when there is no string code', () => {
    expect(errorCodeOf(new Error('plain'))).toBeUndefined();
    expect(errorCodeOf({ code: 42 })).toBeUndefined();
    expect(errorCodeOf(null)).toBeUndefined();
    expect(errorCodeOf('23505')).toBeUndefined();
  });
});

describe(errorMessageOf.name, () => {
  it("should give an Error's message, else the value as text", () => {
    expect(errorMessageOf(new Error('boom'))).toBe('boom');
    expect(errorMessageOf('just text')).toBe('just text');
    expect(errorMessageOf(undefined)).toBe('undefined');
  });
});

describe('errors from another realm', () => {
  it('should read the message and the cause of an Error that instanceof does not recognise', async () => {
    const { runInNewContext } = await import('node:vm');
    const foreign = runInNewContext(
      `const e = new TypeError('fetch failed'); e.cause = { code: 'ECONNREFUSED' }; e`,
    ) as unknown;
    expect(foreign instanceof Error).toBe(false);
    expect(errorMessageOf(foreign)).toBe('fetch failed');
    expect(errorCodeOf(errorCauseOf(foreign))).toBe('ECONNREFUSED');
    expect(errorCauseOf(new Error('no cause'))).toBeUndefined();
  });
});
