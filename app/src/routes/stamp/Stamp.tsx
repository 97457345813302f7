import { alarmsWithResolutions, subjectOf, type ElectronicGrant, type Grant, type RequestStatus } from '@seal/shared';
import { Show, createMemo, createSignal, onCleanup } from 'solid-js';
import type { SessionView as Session } from '@seal/shared';
import { holdsRole } from '../../auth/roles';
import { RequireSession } from '../../components/RequireSession';
import { loadSimulatedDevice } from '../../device/loadSimulatedDevice';
import type { SimulatedSeal } from '../../device/simulatedDevice';
import { createStampSession } from '../../device/stamp/stampSession';
import { useI18n } from '../../i18n/I18nProvider';
import { useRequests } from '../../requests/RequestsProvider';
import { createFacts } from '../../sync/createFacts';
import { useSync } from '../../sync/SyncProvider';
import { DeviceCard } from './DeviceCard';
import { ElectronicGrantsCard } from './ElectronicGrantsCard';
import { GrantCard } from './GrantCard';
import { SimulatedPanel } from './SimulatedPanel';
import { EventsCard, StampsCard } from './StampLists';
import { createStampNames } from './stampNames';

/** Statuses of a request under which its grant is no longer offered for stamping. */
const UNUSABLE: ReadonlySet<RequestStatus> = new Set<RequestStatus>(['cancelled', 'rejected', 'halted', 'expired', 'completed']);

/** Stamping at the site: choose a grant, connect the seal device, confirm, unlock, watch the stamps. */
export function Stamp() {
  return <RequireSession>{(session) => <StampScreen session={session} />}</RequireSession>;
}

function StampScreen(props: { session: Session }) {
  const { t } = useI18n();
  const sync = useSync();
  const session = createStampSession(sync.store);
  const names = createStampNames();
  const [grant, setGrant] = createSignal<Grant>();
  const book = useRequests();
  // Grants that reached this tablet by sync, newest window first; a file import is the other way in.
  // Grants of requests held here that can no longer be used (withdrawn, rejected, halted, expired,
  // completed, every use made) are not offered; a grant whose request is not held here is (the
  // device judges it when unlocking).
  const usable = (requestId: string): boolean => {
    const view = book.entry(requestId)?.view;
    return view === undefined || (!UNUSABLE.has(view.status) && !(view.usesApproved > 0 && view.usesRemaining <= 0));
  };
  const grants = createFacts('grant');
  const myGrants = createMemo(() =>
    grants()
      .filter((g) => g.holderId === props.session.user.id && usable(g.requestId))
      .sort((a, b) => b.window.notAfter - a.window.notAfter),
  );
  // Electronic grants: stamping a PDF, no device.
  const electronicGrants = createFacts('electronic_grant');
  const [imported, setImported] = createSignal<ElectronicGrant>();
  const [electronic, setElectronic] = createSignal<ElectronicGrant>();
  const myElectronicGrants = createMemo(() =>
    [...electronicGrants().filter((g) => g.id !== imported()?.id), ...(imported() === undefined ? [] : [imported()!])]
      .filter((g) => g.holderId === props.session.user.id && usable(g.requestId))
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
  const deviceAlarms = createMemo(() => {
    const g = grant();
    if (g === undefined) return [];
    // A resolved alarm stays listed, marked: the gap was real for a while, and HQ sees both facts.
    return alarmsWithResolutions(alarms().filter((a) => a.ref.startsWith(`${g.deviceId}:`)), alarmResolutions()).sort((a, b) => b.alarm.at - a.alarm.at);
  });
  const mayRegister = () => holdsRole(props.session, 'admin') || holdsRole(props.session, 'custodian');
  const [sim, setSim] = createSignal<SimulatedSeal>();
  onCleanup(() => sim()?.close());

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
      const seal = await startSimulatedSeal(g, names.sealOf(g.sealId));
      setSim(seal);
      return seal.transport;
    });

  return (
    <section class="panel stamp" aria-labelledby="stamp-title">
      <h1 id="stamp-title">{t('stamp.title')}</h1>
      <p class="muted">{t('stamp.intro')}</p>
      <ElectronicGrantsCard grants={myElectronicGrants()} chosen={electronic()} onChoose={setElectronic} names={names} />
      <GrantCard
        holderId={props.session.user.id}
        grant={grant()}
        grants={myGrants()}
        usesRecorded={usesRecorded()}
        canChoose={session.phase() === 'idle'}
        names={names}
        onChoose={setGrant}
        onElectronic={(g) => {
          setImported(g);
          setElectronic(g);
        }}
      />
      <Show when={grant()}>
        {(g) => (
          <>
            <DeviceCard session={session} grant={g()} usesLeft={usesLeft()} mayRegister={mayRegister()} names={names} onConnectSimulated={() => void connectSimulated()} />
            <Show when={sim()}>{(seal) => <SimulatedPanel seal={seal()} grant={grant()} stampsSoFar={session.shots().length} />}</Show>
            <StampsCard shots={session.shots()} names={names} />
            <EventsCard alarms={deviceAlarms()} events={session.events()} names={names} />
          </>
        )}
      </Show>
    </section>
  );
}
