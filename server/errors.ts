import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { z } from 'zod';

/** One error shape for every route: `{ error: { code, message, details? } }`. */
export interface ErrorDetail {
  path?: (string | number)[];
  message: string;
  nodeId?: string;
  edgeId?: string;
  code?: string;
}

export class ApiError extends HTTPException {
  constructor(
    status: ContentfulStatusCode,
    readonly code: string,
    message: string,
    readonly details: ErrorDetail[] = [],
    readonly headers: Record<string, string> = {},
  ) {
    super(status, { message });
  }
}

export const badRequest = (message: string, details: ErrorDetail[] = []): ApiError => new ApiError(400, 'invalid_request', message, details);
export const notFound = (what: string): ApiError => new ApiError(404, 'not_found', `${what} was not found`);

/** Turns zod issues into details with the field path. */
export const zodDetails = (error: z.ZodError, prefix: (string | number)[] = []): ErrorDetail[] =>
  error.issues.map((issue) => ({
    path: [...prefix, ...issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p))],
    message: issue.message,
  }));

export const invalidBody = (error: z.ZodError, prefix: (string | number)[] = []): ApiError => {
  const details = zodDetails(error, prefix);
  const first = details[0];
  const where = first?.path && first.path.length > 0 ? ` at ${first.path.join('.')}` : '';
  return badRequest(`invalid request body: ${first?.message ?? 'malformed'}${where}`, details);
};

/** Parses a JSON body; malformed JSON is a 400 that says so. */
export const readJson = async (c: Context): Promise<unknown> => {
  const text = await c.req.text();
  if (text.trim() === '') throw badRequest('the request body is empty; send a JSON object');
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw badRequest(`the request body is not valid JSON: ${(error as Error).message}`);
  }
};

export const errorResponse = (c: Context, error: ApiError) => {
  for (const [name, value] of Object.entries(error.headers)) c.header(name, value);
  return c.json({ error: { code: error.code, message: error.message, ...(error.details.length > 0 ? { details: error.details } : {}) } }, error.status);
};

/** The JSON body parsed with `schema`; a 400 with the field paths otherwise. */
export const readBody = async <S extends z.ZodType>(c: Context, schema: S): Promise<z.output<S>> => {
  const parsed = schema.safeParse(await readJson(c));
  if (!parsed.success) throw invalidBody(parsed.error);
  return parsed.data;
};

/** The query string parsed with `schema`; a 400 naming the parameter (path ["query", name]) otherwise. */
export const readQuery = <S extends z.ZodType>(c: Context, schema: S): z.output<S> => {
  const parsed = schema.safeParse(c.req.query());
  if (!parsed.success) {
    const details = zodDetails(parsed.error, ['query']);
    throw badRequest(`invalid query: ${details[0]?.message ?? 'malformed'} at ${details[0]?.path?.join('.') ?? 'query'}`, details);
  }
  return parsed.data;
};
