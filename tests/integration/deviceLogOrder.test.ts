/**
 * The device-log audit does not depend on timing (issue 12, item 5): a device's entries uploaded
 * in any order — shuffled, reversed, split across tablets and requests, some at the same moment,
 * some long after — end with the alarms the held entries alone call for. A gap raised on one push
 * is resolved (an `alarm_resolution` fact beside it) when the missing entry arrives, whatever the
 * delay; a gap that stays open stays alarmed; forks and bad signatures alarm in any order.
 *
 * Everything goes through the server's HTTP API as an outsider would use it: hand-made pushes by
 * two custodians of the site (two tablets), and HQ's pull. The oracle is the test's own knowledge
 * of which entries it sent: an entry is missing below a held one exactly when the test withheld it.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deviceEventHash, type Alarm, type AlarmResolution, type DeviceEvent, type SyncRow, type UnsignedDeviceEvent } from '@seal/shared';
import { deviceWithLog, signDeviceEntry } from './fixtures';
import { replicaPool, setUpWorld, startSyncServer, type Person, type Replica, type RunningSync, type World } from './harness';

type Device = Awaited<ReturnType<typeof deviceWithLog>>;

const RUNS = Number(process.env.LOG_ORDER_RUNS ?? 25);
let running: RunningSync;
let world: World;
let tabletA: Person;
let tabletB: Person;
const replicas = replicaPool(() => running.url);

beforeAll(async () => {
  running = await startSyncServer();
  world = await setUpWorld(running.server);
  tabletA = await world.person(world.siteId, ['custodian'], 'Custodian A 保管员');
  tabletB = await world.person(world.siteId, ['custodian'], 'Custodian B 保管员');
}, 60_000);
afterAll(async () => running?.close());

let devices = 0;
/** A new device with an honest log of `length` entries, registered on the server by a custodian's replica (`office`, or one opened for it). */
async function registeredDevice(name: string, length: number, office?: Replica): Promise<Device> {
  const device = await deviceWithLog(`dev-${name}-${++devices}`, world.siteId, length);
  const registrar = office ?? (await replicas.open(tabletA, `office-${devices}`));
  registrar.start();
  await registrar.store.records.create('device', device.record);
  await registrar.sync!.awaitInSync();
  if (office === undefined) await replicas.close(registrar);
  return device;
}

/** The sync row a tablet pushes for a device entry (its author is the person pushing). */
const entryRow = (by: Person, entry: DeviceEvent) => ({
  id: `fact:device_event:${entry.deviceId}:${entry.seq}`, type: 'fact', kind: 'device_event', subject: `device:${entry.deviceId}`,
  scopeUnitId: world.siteId, author: by.userId, createdAt: entry.at, body: entry,
});

/** Pushes entries in one request, as a tablet does; answers each entry's status (or refusal code). */
async function push(by: Person, entries: readonly DeviceEvent[]): Promise<string[]> {
  const response = await running.server.call('POST', '/api/sync/push', { cookie: by.cookie, body: { rows: entries.map((entry) => entryRow(by, entry)) } });
  expect(response.statusCode, response.body).toBe(200);
  return response.json<{ results: { status: string; code?: string }[] }>().results.map((r) => r.code ?? r.status);
}

/** Each request awaited before the next: what comes later is never on its way while the earlier is judged. */
async function pushOneByOne(by: Person, entries: readonly DeviceEvent[]): Promise<void> {
  for (const entry of entries) expect(await push(by, [entry])).toEqual(['accepted']);
}

/** What someone at HQ pulls about a device: its alarms and the resolutions held for them. */
async function seenAtHq(deviceId: string): Promise<{ open: string[]; resolved: string[]; alarms: Alarm[]; resolutions: AlarmResolution[] }> {
  const rows: SyncRow[] = [];
  let since: string | undefined;
  for (;;) {
    const response = await running.server.call('GET', `/api/sync/pull?limit=1000${since ? `&since=${encodeURIComponent(since)}` : ''}`, { cookie: world.admin.cookie });
    expect(response.statusCode, response.body).toBe(200);
    const page = response.json<{ rows: SyncRow[]; checkpoint: string; more: boolean }>();
    rows.push(...page.rows);
    since = page.checkpoint;
    if (!page.more && page.rows.length < 1000) break;
  }
  const about = (body: { id: string }) => body.id.includes(`:${deviceId}:`);
  const alarms = rows.flatMap((r) => (r.type === 'fact' && r.kind === 'alarm' ? [r.body as unknown as Alarm] : [])).filter(about);
  const resolutions = rows.flatMap((r) => (r.type === 'fact' && r.kind === 'alarm_resolution' ? [r.body as unknown as AlarmResolution] : [])).filter(about);
  const closed = new Set(resolutions.map((r) => r.id as string));
  const label = (a: Alarm) => `${a.kind}@${a.ref.slice(deviceId.length + 1)}`;
  return {
    open: alarms.filter((a) => !closed.has(a.id)).map(label).sort(),
    resolved: alarms.filter((a) => closed.has(a.id)).map(label).sort(),
    alarms, resolutions,
  };
}

/** The gaps the held seqs alone call for: each withheld entry just below a held one (`log_gap@seq`). */
function gapsOf(held: ReadonlySet<number>): string[] {
  return [...held].filter((seq) => seq > 0 && !held.has(seq - 1)).map((seq) => `log_gap@${seq - 1}`).sort();
}

const reorder = <T,>(items: readonly T[], order: readonly number[]): T[] => order.map((i) => items[i]!);
const unsignedOf = ({ signature: _signature, ...rest }: DeviceEvent): UnsignedDeviceEvent => rest;

// Each test runs several replicas, a server and signed logs: 60 s is a guard against a hang, not a
// speed limit (the default 20 s ran out at load 16 on two cores).
describe('the device-log audit judges what is held, not when it arrived', { timeout: 60_000 }, () => {
  it('ends with no alarm for a log pushed in reverse, one entry per request, each after the last was answered', async () => {
    const device = await registeredDevice('reversed', 6);
    await pushOneByOne(tabletA, [...device.log].reverse());
    const seen = await seenAtHq(device.log[0]!.deviceId);
    expect(seen.open).toEqual([]);
    // Each entry arrived above a hole: every one of those gaps was raised, and every one resolved.
    expect(seen.resolved).toEqual(['log_gap@0', 'log_gap@1', 'log_gap@2', 'log_gap@3', 'log_gap@4']);
    for (const resolution of seen.resolutions) expect(resolution).toMatchObject({ source: { kind: 'server' }, kind: 'log_gap' });
  });

  it('leaves no alarm open after a tablet restarted with a backlog uploads it in RxDB\'s order', async () => {
    const device = await registeredDevice('restart', 250);
    // Recorded before its sync starts (a tablet reopened after days offline): RxDB's first upload
    // reads the backlog by write time, then row id — "…:100" before "…:99" — not in seq order.
    const tablet = await replicas.open(tabletB, 'restarted-tablet', { pushBatchSize: 100 });
    await tablet.store.facts.appendMany('device_event', device.log, world.siteId);
    tablet.start();
    await tablet.sync!.awaitInSync();
    expect(tablet.store.status.get()).toMatchObject({ pending: 0, refusals: [] });
    const seen = await seenAtHq(device.log[0]!.deviceId);
    expect(seen.open).toEqual([]);
    expect(seen.resolved.every((label) => label.startsWith('log_gap@'))).toBe(true);
  });

  it('ends with no alarm when the upper half comes from one tablet and the lower half from another, much later', async () => {
    const device = await registeredDevice('split', 10);
    expect(await push(tabletA, device.log.slice(5))).toEqual(Array(5).fill('accepted'));
    const between = await seenAtHq(device.log[0]!.deviceId);
    expect(between.open).toEqual(['log_gap@4']);
    expect(between.alarms[0]!.message).toContain('entries 0–4 are missing below entry 5');
    // Another tablet uploads the rest, split over two requests, top first.
    expect(await push(tabletB, device.log.slice(3, 5))).toEqual(['accepted', 'accepted']);
    expect((await seenAtHq(device.log[0]!.deviceId)).open).toEqual(['log_gap@2']);
    expect(await push(tabletB, device.log.slice(0, 3))).toEqual(['accepted', 'accepted', 'accepted']);
    const after = await seenAtHq(device.log[0]!.deviceId);
    expect(after.open).toEqual([]);
    expect(after.resolved).toEqual(['log_gap@2', 'log_gap@4']);
    // The alarm itself never changed: the one seen between is the one resolved.
    expect(after.alarms.find((a) => a.ref.endsWith(':4'))).toEqual(between.alarms[0]);
  });

  it('keeps alarming an entry that never arrives, and resolves the rest of its hole as it fills', async () => {
    const device = await registeredDevice('hole', 9);
    const id = device.log[0]!.deviceId;
    // Entry 3 is never uploaded; 4 and 5 come long after 6–8, the top of the hole first.
    await pushOneByOne(tabletA, reorder(device.log, [7, 0, 8, 6, 1, 2]));
    expect((await seenAtHq(id)).open).toEqual(['log_gap@5']);
    await pushOneByOne(tabletB, [device.log[5]!, device.log[4]!]);
    const seen = await seenAtHq(id);
    expect(seen.open).toEqual(['log_gap@3']);
    expect(seen.resolved).toEqual(['log_gap@4', 'log_gap@5', 'log_gap@6']);
    expect(seen.alarms.find((a) => a.ref === `${id}:3`)?.message).toContain('entry 3 is missing below entry 4');
  });

  it('alarms a rolled-back device\'s second entry at a seq, whichever body arrives first', async () => {
    for (const otherFirst of [true, false]) {
      const device = await registeredDevice(`fork-${otherFirst}`, 6);
      const id = device.log[0]!.deviceId;
      const other4 = await signDeviceEntry(device.privateKey, { ...unsignedOf(device.log[4]!), at: device.log[4]!.at + 60_000, payload: { percent: 42 } } as UnsignedDeviceEvent);
      const honest = reorder(device.log, [5, 4, 3, 2, 1, 0]);
      if (otherFirst) expect(await push(tabletB, [other4])).toEqual(['accepted']);
      await push(tabletA, honest.slice(0, 3));
      await push(tabletA, honest.slice(3));
      if (!otherFirst) expect(await push(tabletB, [other4])).toEqual(['fact_conflict']);
      const seen = await seenAtHq(id);
      expect(seen.open, `the other body first: ${otherFirst}`).toContain('log_fork@4');
      expect(seen.open.filter((a) => !a.startsWith('log_fork')), `the other body first: ${otherFirst}`).toEqual([]);
    }
  });

  it('alarms an entry that does not chain, whichever side of the link arrives first', async () => {
    const device = await registeredDevice('chain', 6);
    const id = device.log[0]!.deviceId;
    // Entry 3 links to entry 1 instead of 2, and 4 links to that 3: the chain breaks at 3 only.
    const bad3 = await signDeviceEntry(device.privateKey, { ...unsignedOf(device.log[3]!), prevHash: await deviceEventHash(device.log[1]!) });
    const then4 = await signDeviceEntry(device.privateKey, { ...unsignedOf(device.log[4]!), prevHash: await deviceEventHash(bad3) });
    await pushOneByOne(tabletA, [then4, bad3]);
    await pushOneByOne(tabletB, [device.log[2]!, device.log[0]!, device.log[1]!]);
    const seen = await seenAtHq(id);
    expect(seen.open).toEqual(['log_fork@3']);
    expect(seen.resolved).toEqual(['log_gap@1', 'log_gap@2', 'log_gap@3']);
  });

  it('keeps a bad signature alarmed, and its gap open until a genuine entry arrives', async () => {
    const device = await registeredDevice('forged', 6);
    const id = device.log[0]!.deviceId;
    const altered = { ...device.log[2]!, payload: { percent: 1 } } as DeviceEvent;
    expect(await push(tabletA, reorder(device.log, [5, 4, 3]))).toEqual(['accepted', 'accepted', 'accepted']);
    expect(await push(tabletB, [altered])).toEqual(['bad_signature']);
    await pushOneByOne(tabletA, [device.log[0]!, device.log[1]!]);
    expect((await seenAtHq(id)).open).toEqual(['bad_signature@2', 'log_gap@2']);
    // The genuine entry 2, pulled from the device by the other tablet later on.
    expect(await push(tabletB, [device.log[2]!])).toEqual(['accepted']);
    const seen = await seenAtHq(id);
    expect(seen.open).toEqual(['bad_signature@2']);
    expect(seen.resolved).toEqual(['log_gap@2']);
  });

  it('refuses a resolution pushed by anyone but the server: an open gap cannot be silenced', async () => {
    const device = await registeredDevice('silenced', 4);
    const id = device.log[0]!.deviceId;
    expect(await push(tabletA, [device.log[0]!, device.log[3]!])).toEqual(['accepted', 'accepted']);
    const [gap] = (await seenAtHq(id)).alarms;
    expect(gap).toMatchObject({ kind: 'log_gap', ref: `${id}:2` });
    const forged = { id: gap!.id, kind: 'log_gap', source: { kind: 'server', id: 'sync-server' }, message: 'the entries arrived', at: gap!.at + 1 };
    for (const author of [tabletA.userId, 'sync-server']) {
      const response = await running.server.call('POST', '/api/sync/push', {
        cookie: tabletA.cookie,
        body: { rows: [{ id: `fact:alarm_resolution:${gap!.id}`, type: 'fact', kind: 'alarm_resolution', subject: 'alarm:log_gap', scopeUnitId: world.siteId, author, createdAt: forged.at, body: forged }] },
      });
      expect(response.statusCode, response.body).toBe(200);
      expect(response.json<{ results: { status: string; code?: string }[] }>().results).toMatchObject([{ status: 'refused', code: author === 'sync-server' ? 'forged_author' : 'not_pushable' }]);
    }
    expect((await seenAtHq(id)).open).toEqual(['log_gap@2']);
  });

  it('ends with exactly the gaps the held entries call for, however the uploads are split, ordered, repeated and overlapped', async () => {
    const LENGTH = 10;
    /** A chunk of entries (indexes into the log), who pushes it, and in which wave; a wave's chunks go up at once. */
    const chunkArb = fc.record({ seqs: fc.uniqueArray(fc.nat(LENGTH - 1), { minLength: 1, maxLength: 4 }), byB: fc.boolean(), wave: fc.nat(3), delayMs: fc.nat(15) });
    const planArb = fc.record({ chunks: fc.array(chunkArb, { minLength: 1, maxLength: 12 }), everything: fc.boolean() });
    const sentIn = (chunks: readonly { readonly seqs: readonly number[] }[]) => new Set(chunks.flatMap((c) => c.seqs));
    const office = await replicas.open(tabletA, 'office-property');
    let run = 0;
    await fc.assert(
      fc.asyncProperty(planArb, async (plan) => {
        const device = await registeredDevice(`prop-${++run}`, LENGTH, office);
        const id = device.log[0]!.deviceId;
        // Half the runs also upload, last, whatever the chunks left out: nothing may stay open then.
        const chunks = plan.everything ? [...plan.chunks, { seqs: [...Array(LENGTH).keys()].filter((s) => !sentIn(plan.chunks).has(s)), byB: false, wave: 4, delayMs: 0 }] : plan.chunks;
        for (const wave of [0, 1, 2, 3, 4]) {
          await Promise.all(chunks.filter((c) => c.wave === wave && c.seqs.length > 0).map(async (c) => {
            await new Promise((resolve) => setTimeout(resolve, c.delayMs));
            const answers = await push(c.byB ? tabletB : tabletA, reorder(device.log, c.seqs));
            expect(answers.every((a) => a === 'accepted' || a === 'duplicate'), answers.join()).toBe(true);
          }));
        }
        const held = sentIn(chunks);
        const seen = await seenAtHq(id);
        expect(seen.open).toEqual(gapsOf(held));
        // Every gap ever raised is about an entry withheld at the time; if it is held now, it is resolved.
        for (const label of seen.resolved) expect(held.has(Number(label.split('@')[1])), label).toBe(true);
        expect(seen.resolved.every((label) => label.startsWith('log_gap@'))).toBe(true);
        if (plan.everything) expect(seen.open).toEqual([]);
      }),
      { numRuns: RUNS, endOnFailure: true },
    );
  }, 120_000);
});
