import { parseFactBody, type SyncRow } from '@seal/shared';
import { verifyDeviceSignature } from './deviceSignature';
import { covers, type PushContext } from './pushContext';

/** How a device's key is compared: the one a check ahead used, against the one judging reads. */
const keyText = (publicKeyJwk: unknown): string => JSON.stringify(publicKeyJwk) ?? '';

/**
 * Starts the signature check of every device log entry in `rows` that judging would check: the
 * pusher's own, of a known device, in the device's unit and in the pusher's scope (judging checks
 * scope before the signature). Against the device's key as the store holds it before this push:
 * a device's key is fixed at its creation (a change of it is refused), and a device created in
 * this batch is not checked ahead; `deviceVerdict` still compares the keys, and checks again on a
 * difference.
 * Nothing here judges a row: a check that fails or throws does so where its row awaits it.
 */
export async function verifyDeviceEntriesAhead(rows: readonly (SyncRow | undefined)[], ctx: PushContext): Promise<void> {
  const verdicts = ctx.deviceVerdicts;
  if (!verdicts) return;
  for (const row of rows) {
    if (row?.type !== 'fact' || row.kind !== 'device_event' || row.author !== ctx.user.id) continue;
    const parsed = parseFactBody('device_event', row.body);
    if (!parsed.ok) continue;
    const body = parsed.value;
    const device = await ctx.records.get('device', body.deviceId).catch(() => undefined);
    if (!device?.json || device.scopeUnitId !== row.scopeUnitId || !covers(ctx.user, row.scopeUnitId, ctx.tree).ok) continue;
    const verdict = verifyDeviceSignature(ctx.deviceKeys, body.deviceId, device.json.publicKeyJwk, body);
    verdict.catch(() => undefined);
    verdicts.set(row, { key: keyText(device.json.publicKeyJwk), verdict });
  }
}

/** Whether a device log entry's signature verifies with `publicKeyJwk`: the check started ahead when it used that key, else a check now. */
export function deviceVerdict(ctx: PushContext, row: SyncRow, publicKeyJwk: unknown, check: () => Promise<boolean>): Promise<boolean> {
  const ahead = ctx.deviceVerdicts?.get(row);
  return ahead !== undefined && ahead.key === keyText(publicKeyJwk) ? ahead.verdict : check();
}
