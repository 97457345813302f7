import type { DocumentScope } from 'nano';
import type { Webhook } from '@seal/shared';
import { getDoc, listDocs, type Stored } from '../../couch/docs';

/**
 * A hook as stored in `meta` under `webhook:<id>` (written through the change journal, with its
 * audit record): the hook and its signing secret sealed by `SecretBox`, never in clear.
 */
export interface WebhookDoc extends Webhook {
  readonly type: 'webhook';
  readonly secretSealed: string;
}

export const webhookDocId = (id: string): string => `webhook:${id}`;

/** What the API shows of a hook: everything but its secret. */
export const webhookView = ({ type: _t, secretSealed: _s, ...hook }: WebhookDoc): Webhook => hook;

export interface WebhooksRepo {
  get(id: string): Promise<WebhookDoc | undefined>;
  list(): Promise<WebhookDoc[]>;
}

export function webhooksRepo(meta: DocumentScope<WebhookDoc>): WebhooksRepo {
  const strip = ({ _id: _i, _rev: _r, ...doc }: WebhookDoc & Stored): WebhookDoc => doc;
  return {
    async get(id) {
      const doc = await getDoc(meta, webhookDocId(id));
      return doc?.type === 'webhook' ? strip(doc) : undefined;
    },
    async list() {
      return (await listDocs(meta, 'webhook:')).filter((doc) => doc.type === 'webhook').map(strip);
    },
  };
}
