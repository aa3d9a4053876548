import { applyDecorators, type Type } from '@nestjs/common';
import { ApiAcceptedResponse, ApiExtraModels, ApiOkResponse, getSchemaPath } from '@nestjs/swagger';

export interface DataResponseOptions {
  /** 202 for a request answered before its work is done (default 200). */
  status?: 200 | 202;
  /** `data` is a list of the model. */
  isArray?: boolean;
}

/** The success response `{ data: <model> }` (or a list of it), with the model registered for the document. */
export function ApiDataResponse(model: Type<unknown>, { status = 200, isArray = false }: DataResponseOptions = {}) {
  const ref = { $ref: getSchemaPath(model) };
  const schema = { properties: { data: isArray ? { type: 'array', items: ref } : ref } };
  const response = status === 202 ? ApiAcceptedResponse({ schema }) : ApiOkResponse({ schema });
  return applyDecorators(ApiExtraModels(model), response);
}
