import { BadRequestException, ValidationPipe, type ValidationError } from '@nestjs/common';

export interface FieldError {
  field: string;
  message: string;
}

/** Flattens class-validator errors (nested too) into `{ field, message }` pairs. */
export function toFieldErrors(errors: ValidationError[], parent = ''): FieldError[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {}).map((message) => ({ field, message }));
    return [...own, ...toFieldErrors(error.children ?? [], field)];
  });
}

/** Thrown for bad input; the body names every bad field. */
export class InvalidInputException extends BadRequestException {
  constructor(errors: FieldError[]) {
    const fields = [...new Set(errors.map((e) => e.field))];
    super({
      statusCode: 400,
      error: 'Bad Request',
      message: `Invalid parameter${fields.length > 1 ? 's' : ''}: ${fields.join(', ')}`,
      errors,
    });
  }
}

/** Whitelist, forbid unknown parameters, transform; 400 with `{ field, message }` for each problem. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    stopAtFirstError: false,
    exceptionFactory: (errors) => new InvalidInputException(toFieldErrors(errors)),
  });
}
