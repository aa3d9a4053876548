import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class ApiFieldErrorDto {
  @ApiProperty({ example: 'limit' })
  field!: string;

  @ApiProperty({ example: 'limit must not be greater than 500' })
  message!: string;
}

/** The body of every error answer (AllExceptionsFilter): status, reason, message and the request id. */
export class ApiErrorDto {
  @ApiProperty({ example: 400 })
  statusCode!: number;

  @ApiProperty({ example: 'Bad Request', description: 'The HTTP reason phrase' })
  error!: string;

  @ApiProperty({
    oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }],
    example: 'Invalid parameter: limit',
    description: 'What went wrong, for a human',
  })
  message!: string | string[];

  @ApiProperty({
    example: '0b7c1f1e-3f6a-4c8e-9a57-0d2f0c1b9e21',
    description: 'Also in the X-Request-Id header and the logs',
  })
  request_id!: string;

  @ApiPropertyOptional({ type: [ApiFieldErrorDto], description: 'On 400: one entry per bad field' })
  errors?: ApiFieldErrorDto[];
}
