import { BadRequestException, ConflictException, NotFoundException, type ArgumentsHost } from '@nestjs/common';
import { IdentityConflictError, IdentityNotFoundError } from '../../api/assets/asset-admin.errors.js';
import { AssetMovedException } from '../../api/assets/asset-moved.error.js';
import { SourcesBusyError, UnknownSourceError } from '../../etl/errors.js';
import {
  BackfillNotFoundError,
  BackfillRequestError,
  QuarantineEntriesNotOpenError,
  RunFinishedError,
  RunNotFoundError,
  UnknownSourceIdError,
  UnknownStreamError,
} from '../../etl/operations/operation-errors.js';
import { SecretMasker } from '../secrets/secret-masker.js';
import { AllExceptionsFilter } from './all-exceptions.filter.js';

const KEY = 'admin-SECRET-1a2b3c4d5e6f';

/** A strict reply fake recording what the filter sends. */
function host(url = '/') {
  const sent: { status?: number; body?: unknown; headers?: Record<string, string> } = {};
  const reply = {
    status(code: number) {
      sent.status = code;
      return reply;
    },
    header(name: string, value: string) {
      sent.headers = { ...sent.headers, [name]: value };
      return reply;
    },
    send(body: unknown) {
      sent.body = body;
    },
  };
  const http = { getResponse: () => reply, getRequest: () => ({ id: 'req-1', url }) };
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

/** A 400 naming the field, as the controllers built it before the filter mapped domain errors. */
function fieldError(field: string, message: string) {
  return new BadRequestException({ statusCode: 400, error: 'Bad Request', message, errors: [{ field, message }] });
}

describe(`${AllExceptionsFilter.name} (domain errors)`, () => {
  const sut = new AllExceptionsFilter();
  const busy = ['csv', 'rss'];
  const unknown = new UnknownSourceError(['nope'], ['csv']);
  const unknownId = (namedAs: 'resource' | 'field') => new UnknownSourceIdError('nope', ['csv'], namedAs);
  const stream = new UnknownStreamError('csv', ['x'], ['quotes']);
  const finished = new RunFinishedError('9', 'succeeded');
  const notOpen = new QuarantineEntriesNotOpenError('csv', ['7']);
  const badRange = new BackfillRequestError('to', 'to must not be in the future');
  const identityConflict = new IdentityConflictError('An ETL run of csv is in progress; retry when it ends', {
    running: ['csv'],
  });
  const bareConflict = new IdentityConflictError(
    'x is the only source id of asset a: nothing would be left to split from',
  );

  // Each expected answer is the HttpException the controllers threw before: same status, same body, same key order.
  it.each([
    [
      'a busy source on a run trigger',
      new SourcesBusyError(busy),
      new ConflictException({
        statusCode: 409,
        error: 'Conflict',
        message: 'Sources already running: csv, rss',
        running: busy,
      }),
    ],
    [
      'a busy source on an operation',
      new SourcesBusyError(busy, 'operation'),
      new ConflictException({
        statusCode: 409,
        error: 'Conflict',
        message: 'Sources running now: csv, rss; retry when the run ends',
        running: busy,
      }),
    ],
    ['an unknown or disabled source of a run', unknown, fieldError('sources', unknown.message)],
    [
      'an unknown source named by the path',
      unknownId('resource'),
      new NotFoundException(unknownId('resource').message),
    ],
    ['an unknown source named in the body', unknownId('field'), fieldError('source', unknownId('field').message)],
    ['an unknown stream', stream, fieldError('streams', stream.message)],
    ['an unknown run', new RunNotFoundError('9'), new NotFoundException('run 9 not found')],
    [
      'a run that ended',
      finished,
      new ConflictException({ statusCode: 409, error: 'Conflict', message: finished.message, status: 'succeeded' }),
    ],
    ['quarantine ids not open', notOpen, new NotFoundException(notOpen.message)],
    ['a backfill request the source cannot serve', badRange, fieldError('to', badRange.message)],
    ['an unknown backfill', new BackfillNotFoundError('3'), new NotFoundException('backfill 3 not found')],
    [
      'an unknown asset of a correction',
      new IdentityNotFoundError('Asset a not found', 'from'),
      new NotFoundException({ statusCode: 404, error: 'Not Found', message: 'Asset a not found', field: 'from' }),
    ],
    [
      'a correction conflict with details',
      identityConflict,
      new ConflictException({
        statusCode: 409,
        error: 'Conflict',
        message: identityConflict.message,
        running: ['csv'],
      }),
    ],
    [
      'a correction conflict without details',
      bareConflict,
      new ConflictException({ statusCode: 409, error: 'Conflict', message: bareConflict.message }),
    ],
  ])('should answer %s as before', (_case, error, before) => {
    const { argumentsHost, sent } = host();

    sut.catch(error, argumentsHost);

    expect(sent.status).toBe(before.getStatus());
    expect(JSON.stringify(sent.body)).toBe(
      JSON.stringify({ ...(before.getResponse() as object), request_id: 'req-1' }),
    );
  });

  it('should answer a moved asset with 308 to the same resource of the survivor', () => {
    const from = '0b1e2f3a-4c5d-5e6f-8a7b-9c0d1e2f3a4b';
    const to = '3b241101-e2bb-5255-8caf-4136c566a962';
    const { argumentsHost, sent } = host(`/assets/${from}/history?interval=1h`);

    sut.catch(new AssetMovedException(from, to), argumentsHost);

    const location = `/assets/${to}/history?interval=1h`;
    expect(sent.status).toBe(308);
    expect(sent.headers).toEqual({ location });
    expect(JSON.stringify(sent.body)).toBe(
      JSON.stringify({
        statusCode: 308,
        message: `Asset ${from} was merged into ${to}`,
        merged_into: to,
        location,
        request_id: 'req-1',
      }),
    );
  });
});
