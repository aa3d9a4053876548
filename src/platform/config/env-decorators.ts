import { applyDecorators } from '@nestjs/common';
import { Transform } from 'class-transformer';
import { IsBoolean, IsInt, IsNumber, IsOptional, Max, Min, type ValidationOptions } from 'class-validator';

const toBoolean = ({ value }: { value: unknown }): unknown => {
  if (typeof value !== 'string') return value;
  const v = value.trim().toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(v)) return true;
  if (['false', '0', 'no', 'off'].includes(v)) return false;
  return value;
};
const toInt = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value.trim()) : value;
const toNumber = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' && value.trim() !== '' && !Number.isNaN(Number(value)) ? Number(value) : value;
const emptyToUndefined = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' && value.trim() === '' ? undefined : value;

/**
 * Applies the decorators bottom-up, as they apply when stacked above a property: class-validator
 * reports a value's failed constraints in that order, and the boot error lists them so.
 */
function stacked(...decorators: PropertyDecorator[]): PropertyDecorator {
  return applyDecorators(...decorators.reverse());
}

/** A numeric variable's bounds; `optional`: unset (or empty) is allowed. */
export interface NumericEnvOptions {
  min?: number;
  max?: number;
  optional?: boolean;
  /** The message when the value is not a number of the kind (default: class-validator's). */
  message?: string;
}

function numeric(
  transform: PropertyDecorator,
  isKind: (options?: ValidationOptions) => PropertyDecorator,
  { min, max, optional, message }: NumericEnvOptions,
): PropertyDecorator {
  return stacked(
    transform,
    ...(optional ? [IsOptional()] : []),
    isKind(message === undefined ? undefined : { message }),
    ...(min === undefined ? [] : [Min(min)]),
    ...(max === undefined ? [] : [Max(max)]),
  );
}

/** A whole number (`"8000"`, `" 7 "`), within the bounds. */
export function IntEnv(options: NumericEnvOptions = {}): PropertyDecorator {
  return numeric(Transform(toInt), (o) => IsInt(o), options);
}

/** A decimal number (`"0.8"`), within the bounds. */
export function NumberEnv(options: NumericEnvOptions = {}): PropertyDecorator {
  return numeric(Transform(toNumber), (o) => IsNumber({}, o), options);
}

/** true/1/yes/on or false/0/no/off, any case. */
export function BooleanEnv(): PropertyDecorator {
  return stacked(Transform(toBoolean), IsBoolean());
}

/** Unset or empty: undefined, and the validators below it are skipped. */
export function OptionalEnv(): PropertyDecorator {
  return stacked(Transform(emptyToUndefined), IsOptional());
}
