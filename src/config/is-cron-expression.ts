import { validateCronExpression } from 'cron';
import { registerDecorator, type ValidationArguments } from 'class-validator';

/**
 * Why `expression` is not a cron expression the scheduler's own library accepts, or undefined when
 * it is. The same parser as @nestjs/schedule, so what passes at boot cannot crash the scheduler later
 * (`61 * * * *` has 5 fields but minute 61 is out of range).
 */
export function cronExpressionError(expression: string): string | undefined {
  const trimmed = expression.trim();
  if (!/^(\S+\s+){4,5}\S+$/.test(trimmed)) return 'needs 5 or 6 fields';
  const { valid, error } = validateCronExpression(trimmed);
  return valid ? undefined : (error?.message ?? 'not a valid cron expression');
}

/** class-validator decorator: the property is a cron expression (message names the variable). */
export function IsCronExpression(): PropertyDecorator {
  return (target: object, propertyName: string | symbol) => {
    registerDecorator({
      name: 'isCronExpression',
      target: target.constructor,
      propertyName: String(propertyName),
      validator: {
        validate: (value: unknown) => typeof value === 'string' && cronExpressionError(value) === undefined,
        defaultMessage: (args?: ValidationArguments) => {
          const why = typeof args?.value === 'string' ? cronExpressionError(args.value) : 'must be a string';
          return `${args?.property} must be a cron expression with 5 or 6 fields (e.g. "0 */6 * * *"): ${why}`;
        },
      },
    });
  };
}
