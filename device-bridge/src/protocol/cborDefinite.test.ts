import { describe, expect, it } from 'vitest';
import { exchange, DEFAULT_TIMING } from '../client/exchange';
import { createSealWorld } from '../device/sealWorld.testing';
import { toFrames } from './frames';
import { Reassembler } from './Reassembler';
import type { Transport } from '../transport/Transport';
import { decodeCbor, CborError } from './cbor';
import { decodeCommand, decodeReply } from './envelope';

const hex = (s: string) => Uint8Array.from(s.match(/../g)!.map((b) => parseInt(b, 16)));

// Each is one item cbor-x would decode; RFC 8949 spells every one of them definitely too.
const INDEFINITE: [string, string][] = [
  ['an indefinite byte string', '5f4161ff'],
  ['an indefinite text string', '7f6161ff'],
  ['an indefinite array', '9f01ff'],
  ['an indefinite map', 'bf0001ff'],
  ['an indefinite map nested in a definite array', '8201bf0001ff'],
  ['an empty indefinite array', '9fff'],
];

/** Writes raw command bytes as frames and reads the whole reply message back (a radio in range). */
async function sendRaw(transport: Transport, msgId: number, command: Uint8Array): Promise<Uint8Array> {
  await transport.write(toFrames(command, msgId, transport.frameSize));
  const reassembler = new Reassembler(64 * 1024);
  for (;;) {
    const event = reassembler.push(await transport.read());
    if (event.kind === 'message') return event.bytes;
    if (event.kind === 'error') throw new Error(`reply frames: ${event.code}`);
  }
}

describe('CBOR: definite lengths only (PROTOCOL.md §3)', () => {
  it.each(INDEFINITE)('refuses %s', (_, bytes) => {
    expect(() => decodeCbor(hex(bytes))).toThrow(CborError);
    expect(() => decodeCbor(hex(bytes))).toThrow(/definite lengths/);
  });

  it('refuses a lone break byte, and one inside a definite array', () => {
    expect(() => decodeCbor(hex('ff'))).toThrow(/break byte/);
    expect(() => decodeCbor(hex('8201ff'))).toThrow(/break byte/);
  });

  it('refuses reserved additional information and an indefinite integer or tag', () => {
    for (const bytes of ['1c', '3d', 'de', '1f', 'df01']) expect(() => decodeCbor(hex(bytes)), bytes).toThrow(CborError);
  });

  it('still reads the same values spelt with definite lengths', () => {
    expect(decodeCbor(hex('4161'))).toEqual(new Uint8Array([0x61]));
    expect(decodeCbor(hex('820102'))).toEqual([1, 2]);
    expect(decodeCbor(hex('a10001'))).toEqual(new Map([[0, 1]]));
  });

  it('a command whose body is an indefinite map is bad_message, on both sides of the link', () => {
    // [1, read_log, {_ 0: 0}]: a read_log from seq 0, spelt with an indefinite map.
    const command = hex('830106bf0000ff');
    expect(decodeCommand(command)).toMatchObject({ ok: false, code: 'bad_message' });
    expect(decodeCommand(hex('830106a10000'))).toMatchObject({ ok: true, name: 'read_log' });
    // A reply [1, 0, {_ 0: nonce, 1: expiresAt}] spelt indefinitely is refused by the tablet too.
    expect(decodeReply('nonce', hex(`830100bf0050${'00'.repeat(16)}0100ff`))).toMatchObject({ ok: false, code: 'bad_reply' });
  });

  it('the reference device answers an indefinite-length command sent over the radio with bad_message', async () => {
    const world = await createSealWorld();
    const head = (await world.client.info()).logHead;
    // Raw frames, as any radio in range can send them: [1, read_log, {_ 0: 0}].
    expect(decodeReply('read_log', await sendRaw(world.transport, 1, hex('830106bf0000ff')))).toMatchObject({ ok: false, code: 'bad_message' });
    // And an indefinite array as the envelope itself.
    expect(decodeReply('read_log', await sendRaw(world.transport, 2, hex('9f0106a10000ff')))).toMatchObject({ ok: false, code: 'bad_message' });
    // Not logged (unauthenticated noise), and the device still answers well-formed commands.
    expect((await world.client.info()).logHead).toEqual(head);
    const reply = await exchange(world.transport, 3, 'status', {}, { ...DEFAULT_TIMING, sleep: () => Promise.resolve() });
    expect(reply.ok).toBe(true);
  });
});
