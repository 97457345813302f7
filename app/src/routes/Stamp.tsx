import { alarmsWithResolutions, grantSchema, subjectOf, type Grant, type RequestStatus } from '@seal/shared';
import { For, Show, createMemo, createSignal, onCleanup } from 'solid-js';
import { z } from 'zod';
import { ApiError } from '../api/ApiError';
import type { SessionView as Session } from '@seal/shared';
import { holdsRole } from '../auth/roles';
import { RequireSession } from '../components/RequireSession';
import { loadSimulatedDevice } from '../device/loadSimulatedDevice';
import type { SimulatedSeal } from '../device/simulatedDevice';
import { createStampSession } from '../device/stampSession';
import { describeError } from '../i18n/describeError';
import { formatDateTime } from '../i18n/format';
import { useI18n } from '../i18n/I18nProvider';
import { zhCN } from '../i18n/zh-CN';
import { useRequests } from '../requests/RequestsProvider';
import { createFacts } from '../sync/createFacts';
import { createRecords } from '../sync/createRecords';
import { useSync } from '../sync/SyncProvider';

/** Statuses of a request under which its grant is no longer offered for stamping. */
const UNUSABLE: ReadonlySet<RequestStatus> = new Set<RequestStatus>(['cancelled', 'rejected', 'halted', 'expired']);

/** Stamping at the site: choose a grant, connect the seal device, confirm, unlock, watch the stamps. */
export function Stamp() {
  return <RequireSession>{(session) => <StampScreen session={session} />}</RequireSession>;
}

function StampScreen(props: { session: Session }) {
  const { t, locale } = useI18n();
  const sync = useSync();
  const session = createStampSession(sync.store);
  const [grant, setGrant] = createSignal<Grant>();
  const book = useRequests();
  // Grants that reached this tablet by sync, newest window first; a file import is the other way in.
  // Grants of requests held here that can no longer be used (withdrawn, rejected, halted, expired)
  // are not offered; a grant whose request is not held here is (the device judges it when unlocking).
  const grants = createFacts('grant');
  const myGrants = createMemo(() =>
    grants()
      .filter((g) => g.holderId === props.session.user.id && !UNUSABLE.has(book.entry(g.requestId)?.view?.status ?? 'pending'))
      .sort((a, b) => b.window.notAfter - a.window.notAfter),
  );
  const deviceSubject = () => {
    const g = grant();
    return g === undefined ? undefined : subjectOf('device', g.deviceId);
  };
  const deviceLog = createFacts('device_event', deviceSubject);
  /** Stamps under the chosen grant that this tablet holds in the device's log (any tablet's, once synced). */
  const usesRecorded = createMemo(() => deviceLog().filter((e) => e.type === 'stamp' && e.payload.grantId === grant()?.id).length);
  const alarms = createFacts('alarm');
  const alarmResolutions = createFacts('alarm_resolution');
  // Names for the ids a grant carries, from the records this tablet holds (ids when not held).
  const seals = createRecords('seal');
  const requests = createRecords('request');
  const sealOf = (id: string) => seals().find((s) => s.recordId === id)?.record;
  const sealName = (id: string): string => sealOf(id)?.name ?? id;
  const sealLabel = (id: string | null): string => (id === null ? '—' : sealName(id));
  const requestTitle = (id: string): string => {
    const request = requests().find((r) => r.recordId === id)?.record;
    return request === undefined ? id : `${request.document.title} · ${request.purpose}`;
  };
  const deviceAlarms = createMemo(() => {
    const g = grant();
    if (g === undefined) return [];
    // A resolved alarm stays listed, marked: the gap was real for a while, and HQ sees both facts.
    return alarmsWithResolutions(alarms().filter((a) => a.ref.startsWith(`${g.deviceId}:`)), alarmResolutions()).sort((a, b) => b.alarm.at - a.alarm.at);
  });
  const mayRegister = () => holdsRole(props.session, 'admin') || holdsRole(props.session, 'custodian');
  const hqAlarmText = (kind: string): string =>
    kind === 'log_gap' || kind === 'log_fork' || kind === 'bad_signature' ? t(`stamp.hqAlarm.${kind}`) : t('stamp.hqAlarm.other', { kind });
  const [fileError, setFileError] = createSignal<string>();
  const [sim, setSim] = createSignal<SimulatedSeal>();
  onCleanup(() => sim()?.close());
  const codeText = (code: string): string =>
    Object.hasOwn(zhCN.stamp.codes, code) ? t(`stamp.codes.${code}` as 'stamp.codes.unknown_error') : t('stamp.codes.unknown_code', { code });
  const date = (ms: number): string => formatDateTime(ms, locale());
  /** A server refusal (while provisioning the simulated device) in its own words; a device code by its translation. */
  const errorText = (code: string): string => {
    const failure = session.failure();
    return failure instanceof ApiError ? describeError(t, failure) : codeText(code);
  };

  async function importFile(file: File | undefined): Promise<void> {
    setFileError(undefined);
    if (file === undefined) return;
    let json: unknown;
    try {
      json = JSON.parse(await file.text());
    } catch {
      setFileError(t('stamp.fileNotJson'));
      return;
    }
    const parsed = grantSchema.safeParse(json);
    if (!parsed.success) {
      setFileError(t('stamp.fileNotGrant', { detail: z.prettifyError(parsed.error).split('\n').slice(0, 3).join(' ') }));
      return;
    }
    if (parsed.data.holderId !== props.session.user.id) {
      setFileError(t('stamp.notYourGrant'));
      return;
    }
    setGrant(parsed.data);
  }

  /** The device's own count while this grant's session is open; otherwise what the held log says. */
  const usesLeft = (): number | undefined => {
    const s = session.status()?.session;
    const g = grant();
    if (s && s.grantId === g?.id) return s.usesLeft;
    return g === undefined ? undefined : Math.max(0, g.uses - usesRecorded());
  };

  const connectSimulated = () =>
    // eslint-disable-next-line solid/reactivity -- called from the button's click handler
    session.connectTransport(async () => {
      const g = grant()!;
      // Power the previous board off first: one instance of a device at a time (it holds the device's lock).
      sim()?.close();
      setSim(undefined);
      const { startSimulatedSeal } = await loadSimulatedDevice();
      const seal = await startSimulatedSeal(g, sealOf(g.sealId));
      setSim(seal);
      return seal.transport;
    });

  return (
    <section class="panel stamp" aria-labelledby="stamp-title">
      <h1 id="stamp-title">{t('stamp.title')}</h1>
      <p class="muted">{t('stamp.intro')}</p>

      <div class="card" data-testid="grant-card">
        <h2>{t('stamp.grantTitle')}</h2>
        <Show when={grant()} fallback={<p class="muted">{t('stamp.noGrant')}</p>}>
          {(g) => (
            <dl class="stamp-facts" data-testid="grant">
              <dt>{t('stamp.request')}</dt>
              <dd>{requestTitle(g().requestId)}</dd>
              <dt>{t('stamp.seal')}</dt>
              <dd>{sealName(g().sealId)}</dd>
              <dt>{t('stamp.uses')}</dt>
              <dd>{g().uses}</dd>
              <dt>{t('stamp.window')}</dt>
              <dd>{`${date(g().window.notBefore)} – ${date(g().window.notAfter)}`}</dd>
              <dt>{t('stamp.usesRecorded')}</dt>
              <dd data-testid="uses-recorded">{usesRecorded()}</dd>
            </dl>
          )}
        </Show>
        <h3>{t('stamp.myGrants')}</h3>
        <Show when={myGrants().length > 0} fallback={<p class="muted">{t('stamp.noGrantsHeld')}</p>}>
          <ul class="grant-list" data-testid="my-grants">
            <For each={myGrants()}>
              {(g) => (
                <li data-grant-id={g.id} data-request-id={g.requestId}>
                  <span>
                    <strong>{requestTitle(g.requestId)}</strong> · {sealName(g.sealId)} · {t('stamp.uses')} {g.uses}
                  </span>
                  <span class="muted">{`${date(g.window.notBefore)} – ${date(g.window.notAfter)}`}</span>
                  <Show when={grant()?.id !== g.id} fallback={<span class="grant-in-use">{t('stamp.grantInUse')}</span>}>
                    <button type="button" class="button button-secondary" disabled={session.phase() !== 'idle'} onClick={() => setGrant(g)}>
                      {t('stamp.useGrant')}
                    </button>
                  </Show>
                </li>
              )}
            </For>
          </ul>
        </Show>
        <label class="button button-secondary" for="grant-file">
          {t('stamp.importGrant')}
        </label>
        <input id="grant-file" class="visually-hidden" type="file" accept="application/json,.json" aria-label={t('stamp.importGrant')} onChange={(e) => void importFile(e.currentTarget.files?.[0])} />
        <Show when={fileError()}>
          <p class="alert alert-error" role="alert" data-error-code="grant_file_invalid">
            {fileError()}
          </p>
        </Show>
      </div>

      <Show when={grant()}>
        <div class="card" data-testid="device-card">
          <h2>{t('stamp.deviceTitle')}</h2>
          <Show when={session.phase() === 'idle' || session.phase() === 'connecting'}>
            <div class="button-row">
              <button type="button" class="button button-primary" disabled={session.phase() === 'connecting'} onClick={() => void session.connectBluetooth()}>
                {t('stamp.connect')}
              </button>
              <button type="button" class="button button-secondary" disabled={session.phase() === 'connecting'} onClick={() => void connectSimulated()}>
                {t('stamp.connectSimulated')}
              </button>
            </div>
          </Show>
          <Show when={session.info()}>
            {(info) => (
              <dl class="stamp-facts" data-testid="device-state">
                <dt>{t('stamp.sealId')}</dt>
                <dd>{sealLabel(info().sealId)}</dd>
                <dt>{t('stamp.battery')}</dt>
                <dd>{`${session.status()?.batteryPercent ?? info().batteryPercent}%`}</dd>
                <dt>{t('stamp.clock')}</dt>
                <dd>{date(session.status()?.clock ?? info().clock)}</dd>
                <dt>{t('stamp.lockState')}</dt>
                <dd data-testid="lock-state">{session.status()?.locked === false ? t('stamp.unlocked') : t('stamp.locked')}</dd>
                <dt>{t('stamp.usesLeft')}</dt>
                <dd data-testid="uses-left">{usesLeft() ?? '—'}</dd>
              </dl>
            )}
          </Show>
          <Show when={session.info()}>
            <div class="device-log" data-testid="device-log" data-state={session.recording().state}>
              <Show when={session.recording().state === 'no_store'}>
                <p class="muted">{t('stamp.logNoStore')}</p>
              </Show>
              <Show when={session.recording().state === 'unregistered'}>
                <p class="note note-warn">{t('stamp.logUnregistered')}</p>
                <Show when={mayRegister()}>
                  <button type="button" class="button button-secondary" onClick={() => void session.register(grant()!.decisions[0]!.payload.place.unitId)}>
                    {t('stamp.register')}
                  </button>
                </Show>
              </Show>
              <Show when={session.recording().state === 'recording'}>
                <p class="muted" data-testid="log-recording" data-held-seq={session.recording().heldSeq ?? ''}>
                  {session.recording().heldSeq === null
                    ? t('stamp.logNothingHeld')
                    : t('stamp.logRecording', { seq: String(session.recording().heldSeq), recorded: String(session.recording().recorded), photos: String(session.recording().photos) })}
                </p>
              </Show>
              <Show when={session.recording().problems.length > 0}>
                <p class="alert alert-error" role="alert" data-error-code="device_log_problem">
                  {t('stamp.logProblems', { count: String(session.recording().problems.length) })}
                </p>
              </Show>
            </div>
          </Show>
          <Show when={!session.linkUp()}>
            <p class="note note-warn" role="status">{t('stamp.reconnecting')}</p>
          </Show>
          <Show when={session.error()}>
            {(code) => (
              <p class="alert alert-error" role="alert" data-error-code={code()}>
                {errorText(code())}
              </p>
            )}
          </Show>
          <div class="button-row">
            <Show when={session.phase() === 'connected'}>
              <button type="button" class="button button-primary" onClick={() => void session.unlock(grant()!)}>
                {t('stamp.unlock')}
              </button>
            </Show>
            <Show when={session.phase() === 'confirming'}>
              <p class="muted">{t('stamp.confirming')}</p>
            </Show>
            <Show when={session.phase() === 'unlocked'}>
              <button type="button" class="button button-primary" onClick={() => void session.lock()}>
                {t('stamp.lock')}
              </button>
            </Show>
            <Show when={session.phase() === 'connected' || session.phase() === 'unlocked'}>
              <button type="button" class="button button-secondary" onClick={() => void session.pullLog()}>
                {t('stamp.pullLog')}
              </button>
            </Show>
            <Show when={session.photosWithheld() > 0 && (session.phase() === 'connected' || session.phase() === 'unlocked')}>
              <button type="button" class="button button-secondary" data-testid="read-photos" onClick={() => void session.readPhotos()}>
                {t('stamp.readPhotos', { count: String(session.photosWithheld()) })}
              </button>
            </Show>
          </div>
        </div>

        <Show when={sim()}>
          {(seal) => (
            <div class="card sim-panel" data-testid="simulated-device">
              <p class="sim-label">SIMULATED DEVICE · 模拟设备</p>
              <div class="button-row">
                <button type="button" class="button button-secondary" onClick={() => void seal().hardware.press(session.shots().length + 1)}>
                  {t('stamp.simPress')}
                </button>
                <button type="button" class="button button-secondary" onClick={() => void seal().hardware.openCase()}>
                  {t('stamp.simTamper')}
                </button>
                <button type="button" class="button button-secondary" onClick={() => void seal().hardware.moveTo({ lat: (grant()?.geofence?.lat ?? 0) + 0.1, lon: grant()?.geofence?.lon ?? 0, accuracyM: 10 })}>
                  {t('stamp.simGeofence')}
                </button>
                <button type="button" class="button button-secondary" onClick={() => void seal().hardware.setBattery(8)}>
                  {t('stamp.simBattery')}
                </button>
              </div>
            </div>
          )}
        </Show>

        <div class="card" data-testid="stamps-card">
          <h2>
            {t('stamp.stampsTitle')} <span data-testid="stamp-count">{session.shots().length}</span>
          </h2>
          <ul class="stamp-shots">
            <For each={session.shots()}>
              {(shot) => (
                <li data-testid="stamp" data-seq={shot.seq}>
                  <Show when={shot.photo} fallback={<span class="muted">{t('stamp.noPhoto')}</span>}>
                    {(src) => <img src={src()} width="96" height="96" alt={t('stamp.photoAlt', { n: String(shot.useIndex ?? shot.seq) })} />}
                  </Show>
                  <span>{t('stamp.useN', { n: String(shot.useIndex ?? '?') })}</span>
                  <span class="muted">{date(shot.at)}</span>
                </li>
              )}
            </For>
          </ul>
        </div>

        <div class="card" data-testid="events-card">
          <h2>{t('stamp.eventsTitle')}</h2>
          <Show when={deviceAlarms().length > 0}>
            <h3>{t('stamp.hqAlarms')}</h3>
            <ul class="stamp-events" data-testid="device-alarms">
              <For each={deviceAlarms()}>
                {({ alarm, resolution }) => (
                  <li data-testid="device-alarm" data-kind={alarm.kind} data-severity={alarm.severity} data-state={resolution ? 'resolved' : 'open'}>
                    <span class="muted">{date(alarm.at)}</span> {hqAlarmText(alarm.kind)} <span class="muted">({alarm.ref})</span>
                    <Show when={resolution}>{(closed) => <span class="muted"> · {t('stamp.hqAlarmResolved', { time: date(closed().at) })}</span>}</Show>
                  </li>
                )}
              </For>
            </ul>
          </Show>
          <Show when={session.events().length > 0} fallback={<p class="muted">{t('stamp.noEvents')}</p>}>
            <ul class="stamp-events">
              <For each={session.events()}>
                {(event) => (
                  <li data-testid="device-event" data-type={event.type} data-code={event.type === 'refusal' ? event.payload.code : undefined}>
                    <span class="muted">{date(event.at)}</span>{' '}
                    {event.type === 'refusal'
                      ? t('stamp.refused', { reason: codeText(event.payload.code) })
                      : event.type === 'lock'
                        ? t('stamp.lockedBecause', { cause: t(`stamp.lockCause.${event.payload.cause}`) })
                        : t(`stamp.alarm.${event.type}` as 'stamp.alarm.tamper')}
                  </li>
                )}
              </For>
            </ul>
          </Show>
        </div>
      </Show>
    </section>
  );
}
