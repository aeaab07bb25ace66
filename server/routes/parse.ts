import type { Context } from 'hono';
import type { z } from 'zod';
import { badRequest, invalidBody, readJson, zodDetails } from '../errors.js';
import { secretIndexSchema } from '../runtime/secret-list.js';

/** The JSON body checked with `schema`; an empty body counts as `empty` when given (e.g. `{}` for optional bodies). */
export const parseBody = async <S extends z.ZodType>(c: Context, schema: S, empty?: unknown): Promise<z.output<S>> => {
  const json = empty !== undefined && (await c.req.text()).trim() === '' ? empty : await readJson(c);
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw invalidBody(parsed.error);
  return parsed.data;
};

/** The `:index` of a secret route, as `listedAt` (the GET that lists the secrets) numbers them. */
export const parseSecretIndex = (c: Context, listedAt: string): number => {
  const index = secretIndexSchema.safeParse(c.req.param('index'));
  if (!index.success) throw badRequest(`"${c.req.param('index')}" is not a secret index; GET ${listedAt} lists them (0 is the newest)`, zodDetails(index.error, ['index']));
  return index.data;
};
