import { BadRequestException, type ArgumentsHost } from '@nestjs/common';
import { SecretMasker } from '../secrets/secret-masker.js';
import { AllExceptionsFilter } from './all-exceptions.filter.js';

const KEY = 'admin-SECRET-1a2b3c4d5e6f';

/** A strict reply fake recording what the filter sends. */
function host() {
  const sent: { status?: number; body?: unknown } = {};
  const reply = {
    status(code: number) {
      sent.status = code;
      return reply;
    },
    header() {
      return reply;
    },
    send(body: unknown) {
      sent.body = body;
    },
  };
  const http = { getResponse: () => reply, getRequest: () => ({ id: 'req-1' }) };
  const argumentsHost = { switchToHttp: () => http } as unknown as ArgumentsHost;
  return { argumentsHost, sent };
}

describe(AllExceptionsFilter.name, () => {
  const sut = new AllExceptionsFilter(new SecretMasker([{ name: 'ADMIN_API_KEY', value: KEY }]));

  it('should mask configured secrets in an HttpException body, however deep', () => {
    const { argumentsHost, sent } = host();

    const exception = new BadRequestException({
      statusCode: 400,
      message: [`symbol "${KEY}" is unknown`],
      errors: [{ field: 'symbol', message: `got ${encodeURIComponent(KEY)}` }],
    });

    sut.catch(exception, argumentsHost);

    expect(sent).toEqual({
      status: 400,
      body: {
        statusCode: 400,
        message: ['symbol "[Redacted:ADMIN_API_KEY]" is unknown'],
        errors: [{ field: 'symbol', message: 'got [Redacted:ADMIN_API_KEY]' }],
        request_id: 'req-1',
      },
    });
  });

  it('should mask configured secrets in a body parser error message', () => {
    const { argumentsHost, sent } = host();

    sut.catch(Object.assign(new Error(`Unexpected token in JSON at "${KEY}"`), { statusCode: 400 }), argumentsHost);

    expect(sent.body).toEqual({
      statusCode: 400,
      error: 'Bad Request',
      message: 'Unexpected token in JSON at "[Redacted:ADMIN_API_KEY]"',
      request_id: 'req-1',
    });
  });
});
