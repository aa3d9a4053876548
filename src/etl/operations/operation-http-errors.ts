import { BadRequestException, HttpException } from '@nestjs/common';

/** A 400 naming the bad field, for a path parameter the controller checks itself. */
export function badRequest(field: string, message: string): HttpException {
  return new BadRequestException({ statusCode: 400, error: 'Bad Request', message, errors: [{ field, message }] });
}
