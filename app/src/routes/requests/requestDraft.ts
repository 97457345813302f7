import { useNavigate } from '@solidjs/router';
import { can, checkRequestSeal, compareText, isInSubtree, requestDocumentProblem, sniffRequestDocumentType, type RequestDocumentType } from '@seal/shared';
import { createEffect, createMemo, createSignal, on, type Accessor } from 'solid-js';
import type { SessionView as Session } from '@seal/shared';
import { useDirectory } from '../../org/DirectoryProvider';
import { createAction } from '../../primitives/createAction';
import { countPdfPages } from '../../documents/pdfPages';
import { fileRequest } from '../../requests/fileRequest';
import { fileSha256 } from '../../requests/fileSha256';
import { buildRequest, toLocalDateTime, type FieldProblem, type RequestField } from '../../requests/requestForm';
import { useRequests } from '../../requests/RequestsProvider';
import { useSync } from '../../sync/SyncProvider';

const DEFAULT_DAYS = 3;

/** The document chosen: its name, fingerprint, bytes (they travel with the request) and type. */
interface ChosenDocument {
  readonly name: string;
  readonly sha256: string;
  readonly bytes: Uint8Array;
  readonly mime: RequestDocumentType;
}

/** One text field of the draft: what it holds and how to change it. */
export interface DraftValue {
  readonly value: string;
  readonly set: (value: string) => void;
}

/** A field's value; `changed` runs when it is set to something new (its problem is cleared). */
const draftValue = (initial: string, changed: () => void): DraftValue => {
  const [value, setValue] = createSignal(initial);
  return {
    get value() {
      return value();
    },
    set: (next: string) => {
      if (next === value()) return;
      setValue(next);
      changed();
    },
  };
};

/**
 * A seal request being written: its fields, the choices the directory allows (units, places,
 * active seals), the document's fingerprint, and the submit that records it on this device.
 */
export function createRequestDraft(session: Accessor<Session>) {
  const sync = useSync();
  const directory = useDirectory();
  const requests = useRequests();
  const navigate = useNavigate();
  const now = sync.now();
  const [problems, setProblems] = createSignal<Partial<Record<RequestField, FieldProblem>>>({});
  // A problem shown beside a field goes once the person changes that field (submit judges it again).
  const clears = (...names: RequestField[]) => () => setProblems((before) => Object.fromEntries(Object.entries(before).filter(([name]) => !names.includes(name as RequestField))));
  const fields = draftFields(now, clears);
  const [file, setFile] = createSignal<ChosenDocument>();
  // The chosen PDF's page count (PDF.js, loaded on demand): fills the pages field and is checked on submit.
  const [filePages, setFilePages] = createSignal<number>();

  const units = () => directory.units();
  // Units the user may apply for (request.create), and places within their reach.
  const requestUnits = createMemo(() => {
    const user = requests.me();
    return user === undefined ? [] : units().filter((u) => can(user, 'request.create', { unitId: u.id }, units()).ok);
  });
  const placeUnits = createMemo(() => units().filter((u) => session().user.grants.some((g) => isInSubtree(u.id, g.unitId as typeof u.id, units()))));
  // Active seals the user may ask for (`checkRequestSeal`, as the server judges the request).
  const activeSeals = createMemo(() => {
    const user = requests.me();
    if (user === undefined) return [];
    return requests.seals()
      .filter((s) => s.status === 'active' && checkRequestSeal(user, s.id, s, units()).ok)
      .sort((a, b) => compareText(a.name, b.name));
  });

  createEffect(() => {
    const options = requestUnits();
    if (fields.unitId.value !== '' || options.length === 0) return;
    fields.unitId.set((options.find((u) => u.id === session().user.unitId) ?? options[0]!).id);
  });
  createEffect(() => {
    if (fields.placeUnitId.value === '' && fields.unitId.value !== '') fields.placeUnitId.set(fields.unitId.value);
  });
  // The place's geofence (a site's, from the directory) fills the fence fields; they stay editable.
  createEffect(
    on(
      () => fields.placeUnitId.value,
      (id) => {
        const fence = units().find((u) => u.id === id)?.geofence;
        fields.fenceLat.set(fence === undefined ? '' : String(fence.lat));
        fields.fenceLon.set(fence === undefined ? '' : String(fence.lon));
        fields.fenceRadius.set(fence === undefined ? '' : String(fence.radiusM));
      },
    ),
  );

  // The file is checked (type by its first bytes, size, a PDF's structure), then fingerprinted.
  const hash = createAction(async (chosen: File) => {
    const read = await readRequestDocument(chosen);
    if (!read.ok) {
      setFile(undefined);
      setProblems((before) => ({ ...before, file: read.problem }));
      return;
    }
    const { bytes, mime } = read;
    const sha256 = await fileSha256(new Blob([bytes]));
    const previous = file()?.name;
    setFile({ name: chosen.name, sha256, bytes, mime });
    if (fields.title.value.trim() === '' || fields.title.value === previous) fields.title.set(chosen.name);
    setProblems(({ file: _file, pages: _pages, ...rest }) => rest);
    setFilePages(undefined);
    const counted = mime === 'application/pdf' ? await countPdfPages(bytes) : undefined;
    if (file()?.sha256 === sha256 && counted !== undefined) {
      setFilePages(counted);
      fields.pages.set(String(counted));
    }
  });

  const submit = createAction(async () => {
    const store = sync.store();
    if (store === undefined) return;
    const values = Object.fromEntries(Object.entries(fields).map(([name, field]) => [name, field.value])) as Record<keyof typeof fields, string>;
    const input = { ...values, id: `req-${crypto.randomUUID()}`, requesterId: session().user.id, sha256: file()?.sha256 ?? '', createdAt: store.now() };
    const built = buildRequest(input, store.now());
    const counted = filePages();
    // The file's own page count wins over a number typed by hand (approvers see both otherwise).
    const result = built.ok && counted !== undefined && built.request.document.pages !== counted ? { ok: false as const, problems: { pages: 'pages_mismatch' as const } } : built;
    if (!result.ok) {
      setProblems(result.problems);
      // Once the fields are marked (the next frame), the first one with a problem takes the focus,
      // which brings it into view: the words are beside it, not above the submit button.
      requestAnimationFrame(() => {
        const first = document.querySelector<HTMLElement>('.request-form [aria-invalid="true"]');
        first?.focus();
        first?.scrollIntoView({ block: 'center' });
      });
      return;
    }
    setProblems({});
    // The document goes with the request (its bytes upload when online).
    await fileRequest(store, result.request, file()!);
    navigate(`/requests/${result.request.id}?submitted=1`);
  });

  return {
    fields,
    file,
    filePages,
    problems,
    requestUnits,
    placeUnits,
    activeSeals,
    chosenSeal: () => activeSeals().find((s) => s.id === fields.sealId.value),
    hash,
    submit,
    busy: (): boolean => submit.pending() || hash.pending(),
    canSubmit: (): boolean => sync.store() !== undefined,
    directoryUnavailable: (): boolean => directory.state() === 'unavailable',
    /** Whether the person may apply for any unit (`request.create`): `undefined` while who they are is still loading. */
    mayApply: (): boolean | undefined => (requests.me() === undefined ? undefined : requestUnits().length > 0),
    /** No seal listed because this device has not yet finished its first sync (not because there is none). */
    sealsStillComing: (): boolean => activeSeals().length === 0 && sync.status()?.lastSyncAt === null && sync.status()?.connection !== 'offline',
  };
}
export type RequestDraft = ReturnType<typeof createRequestDraft>;

/**
 * A chosen file as a request's document: its type by its first bytes and its size, checked before
 * it is read whole; then a PDF that reads one way by its cross-reference table and another front
 * to back (it could show the approvers one thing and be stamped as another: the server refuses to
 * countersign it) is refused too, before anyone approves it.
 */
async function readRequestDocument(chosen: File): Promise<{ ok: true; bytes: Uint8Array<ArrayBuffer>; mime: RequestDocumentType } | { ok: false; problem: 'file_type' | 'file_size' | 'file_ambiguous' }> {
  const head = new Uint8Array(await chosen.slice(0, 16).arrayBuffer());
  const mime = sniffRequestDocumentType(head);
  const problem = mime === undefined ? 'type' : requestDocumentProblem({ mime, size: chosen.size, head });
  if (mime === undefined || problem !== undefined) return { ok: false, problem: problem === 'size' ? 'file_size' : 'file_type' };
  const bytes = new Uint8Array(await chosen.arrayBuffer());
  if (mime === 'application/pdf' && (await import('../../documents/pdfStructure')).isAmbiguousPdf(bytes)) return { ok: false, problem: 'file_ambiguous' };
  return { ok: true, bytes, mime };
}

/** The form's fields, starting empty (or at a use window of {@link DEFAULT_DAYS} days from `now`); each clears its problems when changed. */
function draftFields(now: number, clears: (...names: RequestField[]) => () => void) {
  return {
    sealId: draftValue('', clears('sealId', 'form')),
    unitId: draftValue('', clears('unitId', 'form')),
    title: draftValue('', clears('title')),
    pages: draftValue('1', clears('pages')),
    copies: draftValue('1', clears('copies')),
    purpose: draftValue('', clears('purpose')),
    uses: draftValue('1', clears('uses')),
    notBefore: draftValue(toLocalDateTime(now), clears('notBefore', 'notAfter')),
    notAfter: draftValue(toLocalDateTime(now + DEFAULT_DAYS * 86_400_000), clears('notBefore', 'notAfter')),
    placeUnitId: draftValue('', clears('place')),
    fenceLat: draftValue('', clears('geofence')),
    fenceLon: draftValue('', clears('geofence')),
    fenceRadius: draftValue('', clears('geofence')),
  };
}
