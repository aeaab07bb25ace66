import { Hono } from 'hono';
import { requireKey } from '../auth.js';
import { invalidBody, readJson } from '../errors.js';
import type { AppEnv } from '../services.js';
import { getCustomerDetail, requestStageChange, stageRequestSchema } from '../runtime/customers.js';
import { consentRequestSchema, setConsent } from '../runtime/consent.js';
import { deleteCustomer } from '../runtime/privacy.js';

/** Customers: the profile with runs, events and stage history; stage changes requested by people; consent; deletion for privacy. */
export const customerRoutes = new Hono<AppEnv>()
  .get('/:id', requireKey('read'), async (c) => c.json(await getCustomerDetail(c.var.services, c.var.identity.workspaceId, c.req.param('id'))))
  .post('/:id/stage', requireKey('admin'), async (c) => {
    const parsed = stageRequestSchema.safeParse(await readJson(c));
    if (!parsed.success) throw invalidBody(parsed.error);
    return c.json(await requestStageChange(c.var.services, c.var.identity.workspaceId, c.req.param('id'), parsed.data), 202);
  })
  .put('/:id/consent', requireKey('admin'), async (c) => {
    const parsed = consentRequestSchema.safeParse(await readJson(c));
    if (!parsed.success) throw invalidBody(parsed.error);
    return c.json(await setConsent(c.var.services, c.var.identity.workspaceId, c.req.param('id'), parsed.data, c.var.identity.keyId));
  })
  .delete('/:id', requireKey('admin'), async (c) => c.json(await deleteCustomer(c.var.services, c.var.identity.workspaceId, c.req.param('id'), c.var.identity.keyId)));
