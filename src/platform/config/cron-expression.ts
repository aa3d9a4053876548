import { validateCronExpression } from 'cron';
import { ValidateBy, type ValidationOptions } from 'class-validator';

/**
 * Why `expression` is not a cron expression the scheduler can run, or undefined when it is. Uses
 * the `cron` library's own parser, so what passes boot is exactly what CronJob accepts (a regex on
 * the field count let `61 * * * *` through, to fail later inside the scheduler).
 */
export function cronExpressionProblem(expression: string): string | undefined {
  const fields = expression.trim().split(/\s+/).length;
  if (fields < 5 || fields > 6) return `must have 5 or 6 fields (e.g. "0 */6 * * *"), got ${fields}`;
  const result = validateCronExpression(expression.trim());
  if (result.valid) return undefined;
  return `is not a valid cron expression: ${result.error?.message ?? 'rejected by the cron parser'}`;
}

/** class-validator decorator: the property is a cron expression the scheduler accepts. */
export function IsCronExpression(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isCronExpression',
      validator: {
        validate: (value: unknown) => typeof value === 'string' && cronExpressionProblem(value) === undefined,
        defaultMessage: (args) =>
          `${args?.property ?? 'value'} ${
            typeof args?.value === 'string' ? (cronExpressionProblem(args.value) ?? '') : 'must be a string'
          }`,
      },
    },
    options,
  );
}
