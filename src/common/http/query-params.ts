import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsISO8601, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min, ValidateBy } from 'class-validator';

/** `limit`: 1..1000, default 50. */
export function LimitParam(): PropertyDecorator {
  return applyDecorators(
    ApiPropertyOptional({ minimum: 1, maximum: 1000, default: 50, example: 50, description: 'Page size' }),
    IsOptional(),
    Type(() => Number),
    IsInt({ message: 'limit must be an integer between 1 and 1000' }),
    Min(1, { message: 'limit must be an integer between 1 and 1000' }),
    Max(1000, { message: 'limit must be an integer between 1 and 1000' }),
  );
}

/** Opaque keyset cursor from a previous page's `pagination.next_cursor`. */
export function CursorParam(): PropertyDecorator {
  return applyDecorators(
    ApiPropertyOptional({
      description: 'Opaque cursor from pagination.next_cursor of the previous page',
      example: 'eyJ2IjoxLCJzIjoib2JzZXJ2ZWRfYXQ6ZGVzYyIsImsiOlsiMjAyNS0wNS0wMlQwMDoxMDoyNS4wMDBaIiwiNDIiXX0',
    }),
    IsOptional(),
    IsString(),
    MaxLength(512, { message: 'cursor is too long' }),
    Matches(/^[A-Za-z0-9_-]+$/, { message: 'cursor is invalid' }),
  );
}

/** ISO-8601 date-time bound (`from` inclusive, `to` exclusive). */
export function DateTimeParam(description: string, example: string): PropertyDecorator {
  const message = '$property must be an ISO 8601 date-time between years 0001 and 9999, e.g. 2025-05-02T00:00:00Z';
  return applyDecorators(
    ApiPropertyOptional({ description, example, format: 'date-time' }),
    IsOptional(),
    IsISO8601({ strict: true, strictSeparator: true }, { message }),
    // ISO 8601 also allows forms a Date cannot read (ordinal dates, expanded years such as
    // "-9879001"): they must be a 400 naming the field, not an Invalid Date reaching the database.
    ValidateBy({
      name: 'isReadableDateTime',
      validator: { validate: isReadableDateTime, defaultMessage: () => message },
    }),
  );
}

const EARLIEST = Date.parse('0001-01-01T00:00:00Z');
const LATEST = Date.parse('9999-12-31T23:59:59.999Z');

export function isReadableDateTime(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  const at = Date.parse(value);
  return Number.isFinite(at) && at >= EARLIEST && at <= LATEST;
}

/** A source id such as `coingecko`. */
export function SourceParam(): PropertyDecorator {
  return applyDecorators(
    ApiPropertyOptional({ example: 'coingecko', description: 'Source id' }),
    IsOptional(),
    Matches(/^[a-z0-9_-]{1,64}$/, { message: 'source must be a source id such as "coingecko"' }),
  );
}

export function parseLimit(limit: number | undefined): number {
  return limit ?? 50;
}
