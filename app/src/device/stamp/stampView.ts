import type { DeviceInfo, DeviceStatus } from '@seal/device-bridge';
import type { DeviceEvent } from '@seal/shared';
import { batch, createSignal } from 'solid-js';
import { pgmToDataUrl } from '../pgm';
import { isNotable, shotsOf, type DeviceRead, type StampShot } from './stampReads';

/**
 * What the stamping screen shows of the device: its identity and status, the stamps and notable
 * entries of this session (each once), and the photos it withheld from this link.
 */
export function createStampView() {
  const [info, setInfo] = createSignal<DeviceInfo>();
  const [status, setStatus] = createSignal<DeviceStatus>();
  const [linkUp, setLinkUp] = createSignal(true);
  const [shots, setShots] = createSignal<StampShot[]>([]);
  const [events, setEvents] = createSignal<DeviceEvent[]>([]);
  /** Stamp entries whose photos the device withheld from this link (read once someone with a right confirms). */
  const [withheld, setWithheld] = createSignal<ReadonlyMap<number, DeviceEvent>>(new Map());
  /** Entries from here on happened during this session (shown); earlier ones are only recorded. */
  let shownFrom = 0;
  /** The next entry not shown yet. */
  let nextShown = 0;

  /** A new link: what happens from now on is this session's. */
  function begin(who: DeviceInfo): void {
    shownFrom = who.logHead === null ? 0 : who.logHead.seq + 1;
    nextShown = shownFrom;
    setInfo(who);
  }

  /** Shows what a read brought: each entry once, even when reading restarts lower down to record a backlog. */
  function show(read: DeviceRead): void {
    const shown = read.entries.filter((e) => e.seq >= Math.max(shownFrom, nextShown));
    for (const entry of shown) nextShown = Math.max(nextShown, entry.seq + 1);
    const newShots = shotsOf(shown, read.photos);
    const notable = shown.filter(isNotable);
    batch(() => {
      if (read.withheld.length > 0) setWithheld((w) => new Map([...w, ...read.withheld.map((e) => [e.seq, e] as const)]));
      setStatus(read.current);
      setLinkUp(true);
      if (newShots.length > 0) setShots((s) => [...s, ...newShots]);
      if (notable.length > 0) setEvents((e) => [...e, ...notable]);
    });
  }

  /** Photos the device first withheld, now read: shown on their stamps, no longer pending. */
  function photosRead(read: ReadonlyMap<number, Uint8Array>): void {
    batch(() => {
      setWithheld((w) => new Map([...w].filter(([seq]) => !read.has(seq))));
      setShots((list) => list.map((shot) => (read.has(shot.seq) && shot.photo === null ? { ...shot, photo: pgmToDataUrl(read.get(shot.seq)!) } : shot)));
    });
  }

  return {
    info,
    status,
    linkUp,
    setLinkUp,
    shots,
    events,
    withheld,
    begin,
    show,
    photosRead,
    /** The first entry not shown yet. */
    unshownFrom: (): number => Math.max(shownFrom, nextShown),
    /** Whether an entry happened during this session (its photo is shown). */
    isThisSession: (entry: DeviceEvent): boolean => entry.seq >= shownFrom,
    clear: (): void => {
      setInfo(undefined);
      setStatus(undefined);
    },
  };
}
