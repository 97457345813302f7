import { judgeRecordEdit, subjectOf, type RequestDocumentType, type UseRequest } from '@seal/shared';
import type { LocalStore } from '../store/localStore';
import { StoreError } from '../store/StoreError';

/** The document a request carries: its bytes (they travel with it), type and file name. */
export interface RequestDocument {
  readonly bytes: Uint8Array;
  readonly mime: RequestDocumentType;
  readonly name: string;
}

/**
 * Files a request on this device with its document: the document first (its bytes and the fact
 * naming them, queued to go up), then the request. Two writes, which no storage makes one: the app
 * closing, or storage filling, between them must not leave a request filed without its document —
 * approvers could not approve it, and submitting again would file a second request. In this order
 * it leaves, at worst, a document no request names, which nobody is asked to act on, and the
 * submit fails where the user sees it. The request is judged by the record rules (as its write
 * judges it again) before anything is written, so a request they refuse leaves no document behind.
 * The server judges a document fact by its scope and type alone, so it may reach the server
 * before its request.
 */
export async function fileRequest(store: Pick<LocalStore, 'records' | 'attachments'>, request: UseRequest, document: RequestDocument): Promise<void> {
  const judged = judgeRecordEdit({ kind: 'request', recordId: request.id, creation: true, before: null, after: JSON.parse(JSON.stringify(request)) as unknown });
  if (!judged.ok) throw new StoreError(judged.error.code, judged.error.message);
  await store.attachments.add({ bytes: document.bytes, about: subjectOf('request', request.id), mime: document.mime, name: document.name.slice(0, 200) }, request.unitId);
  await store.records.create('request', request);
}
