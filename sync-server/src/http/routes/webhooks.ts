import { randomBytes } from 'node:crypto';
import {
  createWebhookBodySchema, createWebhookResponseSchema, idParamsSchema, webhookDeliveriesResponseSchema, webhookResponseSchema, webhooksResponseSchema,
  type UnitId,
} from '@seal/shared';
import { holdsRoleOn, loadUnitTree, requireAnyRole, requireRoleOn } from '../../auth/scope';
import { newId } from '../../auth/secrets';
import { refusedDestination } from '../../hq/notify/destination';
import type { Notifier } from '../../hq/notify/notifier';
import { webhookDocId, webhookView, type WebhookDoc } from '../../hq/notify/webhooksRepo';
import type { Api } from '../api';
import { ApiError, notFound } from '../errors';
import { actorOf } from '../recordChange';

/** Delivery log entries returned at most. */
const LOG_LIMIT = 200;

/**
 * Webhooks for OA integration: an administrator points a URL at the events of a unit subtree; each
 * delivery is signed with the hook's own secret (shown once, at creation) and logged per attempt.
 */
export function webhookRoutes(api: Api, notifier: Notifier): void {
  const { ctx } = api;
  const DOING = 'configure webhooks';

  /** The hook, if the signed-in administrator's scope holds its unit (404 otherwise, as for any record out of reach). */
  const hookInScope = async (id: string, user: Parameters<typeof holdsRoleOn>[0]): Promise<WebhookDoc> => {
    const hook = await notifier.hooks.get(id);
    if (!hook || !holdsRoleOn(user, ['admin'], hook.unitId, await loadUnitTree(ctx.repos.units))) throw notFound(`Webhook "${id}"`);
    return hook;
  };

  api.route({
    method: 'POST', url: '/api/hq/webhooks', tag: 'webhooks', auth: 'session', body: createWebhookBodySchema,
    summary: 'Create a webhook for the events of a unit subtree (administrators of that unit); answers its signing secret once',
    responses: { 201: createWebhookResponseSchema, 400: 'invalid_body | webhook_url_refused | not_found', 403: 'forbidden | out_of_scope' },
  }, async ({ body, signedIn, reply }) => {
    const tree = await loadUnitTree(ctx.repos.units);
    if (!tree.has(body.unitId as UnitId)) throw new ApiError(400, 'not_found', `Unit "${body.unitId}" does not exist`);
    requireRoleOn(signedIn.user, ['admin'], body.unitId, tree, DOING);
    const refused = refusedDestination(new URL(body.url), notifier.settings.allowPrivateAddresses);
    if (refused) throw new ApiError(400, 'webhook_url_refused', refused);
    const id = newId('whk');
    const secret = `whsec_${randomBytes(32).toString('base64url')}`;
    const doc: WebhookDoc = {
      type: 'webhook', id, url: body.url, unitId: body.unitId, eventKinds: [...new Set(body.eventKinds)], alarmKinds: body.alarmKinds ? [...new Set(body.alarmKinds)] : null,
      description: body.description ?? '', enabled: true, createdAt: ctx.now(), createdBy: signedIn.user.id, secretSealed: notifier.box.seal(id, secret),
    };
    await ctx.changes.commit((tx) => {
      tx.write('meta', webhookDocId(id), doc);
      return { result: doc, audit: [{ actor: actorOf(signedIn), action: 'webhook.create', target: { kind: 'webhook', id }, unitId: body.unitId, after: webhookView(doc) }] };
    });
    reply.status(201);
    return { webhook: webhookView(doc), secret };
  });

  api.route({
    method: 'GET', url: '/api/hq/webhooks', tag: 'webhooks', auth: 'session',
    summary: 'The webhooks on units within the signed-in administrator\'s scope',
    responses: { 200: webhooksResponseSchema, 403: 'forbidden' },
  }, async ({ signedIn }) => {
    requireAnyRole(signedIn.user, ['admin'], DOING);
    const tree = await loadUnitTree(ctx.repos.units);
    const hooks = (await notifier.hooks.list()).filter((hook) => holdsRoleOn(signedIn.user, ['admin'], hook.unitId, tree));
    return { webhooks: hooks.sort((a, b) => a.createdAt - b.createdAt).map(webhookView) };
  });

  api.route({
    method: 'DELETE', url: '/api/hq/webhooks/:id', tag: 'webhooks', auth: 'session', params: idParamsSchema,
    summary: 'Disable a webhook: nothing more is sent to it; it and its delivery log stay for the record',
    responses: { 200: webhookResponseSchema, 403: 'forbidden', 404: 'not_found' },
  }, async ({ params, signedIn }) => {
    requireAnyRole(signedIn.user, ['admin'], DOING);
    const hook = await hookInScope(params.id, signedIn.user);
    const after = await ctx.changes.commit(async (tx) => {
      const current = await tx.read<WebhookDoc>('meta', webhookDocId(hook.id));
      if (!current) throw notFound(`Webhook "${hook.id}"`);
      const next: WebhookDoc = { ...current, enabled: false };
      tx.write('meta', webhookDocId(hook.id), next);
      return { result: next, audit: [{ actor: actorOf(signedIn), action: 'webhook.disable', target: { kind: 'webhook', id: hook.id }, unitId: hook.unitId, before: webhookView(current), after: webhookView(next) }] };
    });
    return { webhook: webhookView(after) };
  });

  api.route({
    method: 'GET', url: '/api/hq/webhooks/:id/deliveries', tag: 'webhooks', auth: 'session', params: idParamsSchema,
    summary: `A webhook's delivery log, newest first (at most ${LOG_LIMIT}): each event once, with every attempt's time, status or error, and duration`,
    responses: { 200: webhookDeliveriesResponseSchema, 403: 'forbidden', 404: 'not_found' },
  }, async ({ params, signedIn, reply }) => {
    requireAnyRole(signedIn.user, ['admin'], DOING);
    const hook = await hookInScope(params.id, signedIn.user);
    reply.header('cache-control', 'no-store');
    await notifier.ready();
    return { deliveries: await notifier.deliveries.forHook(hook.id, LOG_LIMIT) };
  });
}
