import { Decoder } from 'cbor-x';
import { describe, expect, it, vi } from 'vitest';
import { exchange, DEFAULT_TIMING } from '../client/exchange';
import { createSealWorld, defaultGrant, holderConfirms } from '../device/sealWorld.testing';
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

// CBOR heads and items written by hand: the protocol's encoder never writes a tag, a hostile radio does.
const head = (major: number, n: number): number[] => (n < 24 ? [(major << 5) | n] : n < 256 ? [(major << 5) | 24, n] : [(major << 5) | 25, n >> 8, n & 0xff]);
const arr = (items: number[][]): number[] => [...head(4, items.length), ...items.flat()];
const txt = (s: string): number[] => [...head(3, s.length), ...new TextEncoder().encode(s)];
const tag = (t: number, item: number[]): number[] => [...head(6, t), ...item];

/**
 * An array of `breadth` items nested `levels` deep, each level written once and named again with
 * the value-sharing tags (28 "shareable", 29 "shared reference"): a few hundred bytes that a
 * decoder honouring them expands to `breadth ** levels` strings.
 */
function sharedTree(levels: number, breadth: number): number[] {
  let inner = arr(Array.from({ length: breadth }, () => txt('x')));
  for (let k = 2; k <= levels; k++) inner = arr([tag(28, inner), ...Array.from({ length: breadth - 1 }, () => tag(29, head(0, levels - k)))]);
  return inner;
}

/** A command `[1, op, {0: json, 1: 64 bytes}]`: the shape of bind_seal, install_roster and install_revocations. */
const jsonCommand = (op: number, json: number[]): Uint8Array => new Uint8Array(arr([head(0, 1), head(0, op), [...head(5, 2), ...head(0, 0), ...json, ...head(0, 1), ...head(2, 64), ...new Array<number>(64).fill(1)]]));

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

describe('CBOR: no tags (PROTOCOL.md §3)', () => {
  it('refuses the value-sharing tags 28/29, and every other tag, known to cbor-x or not', () => {
    // 28(["x"]), 29(0), 0("…") a date, 1(0) an epoch time, 2(h'01') a bignum, 24(h'00') embedded CBOR,
    // 258([]) a set, 259({}) a map, 55799(0) "self-described CBOR", 6(0) and 2^32(0) unassigned.
    const tagged = ['d81c816178', 'd81d00', 'c06130', 'c100', 'c24101', 'd8184100', 'd9010280', 'd90103a0', 'd9d9f700', 'c600', 'db000000010000000000'];
    for (const bytes of tagged) {
      expect(() => decodeCbor(hex(bytes)), bytes).toThrow(CborError);
      expect(() => decodeCbor(hex(bytes)), bytes).toThrow(/a tag \(major type 6\) at offset 0: the protocol uses no CBOR tags/);
    }
    // Inside an array and a map too, named by where it starts.
    expect(() => decodeCbor(hex('8201c100'))).toThrow(/tag \(major type 6\) at offset 2/);
    expect(() => decodeCbor(hex('a100d81d00'))).toThrow(/tag \(major type 6\) at offset 2/);
  });

  it('refuses a shared-reference bomb on the first tag head, before cbor-x reads it', () => {
    const message = jsonCommand(0x0a, sharedTree(6, 16)); // ~16.7 million strings if expanded
    expect(message.length).toBeLessThan(400);
    const decode = vi.spyOn(Decoder.prototype, 'decode');
    try {
      // The first tag: the first item of the outermost array, after [1, 0x0a, {0: [ (6 bytes).
      expect(() => decodeCbor(message)).toThrow(/a tag \(major type 6\) at offset 6:/);
      expect(decodeCommand(message)).toMatchObject({ ok: false, code: 'bad_message' });
      expect(decode).not.toHaveBeenCalled();
    } finally {
      decode.mockRestore();
    }
  });

  it('a tagged reply is bad_reply on the tablet: it decodes with the same decoder', () => {
    // [1, 0, {0: 28(h'00…'), 1: 0}]: a nonce reply whose nonce is tagged.
    expect(decodeReply('nonce', hex(`830100a200d81c50${'00'.repeat(16)}0100`))).toMatchObject({ ok: false, code: 'bad_reply' });
    expect(decodeReply('nonce', hex(`830100a20050${'00'.repeat(16)}0100`))).toMatchObject({ ok: true });
  });

  it('the reference device answers a bomb sent as bind_seal, install_roster or install_revocations with bad_message, and goes on stamping', async () => {
    const world = await createSealWorld();
    const grant = await defaultGrant(world);
    await world.client.unlock(grant, await holderConfirms(world, grant));
    const head = (await world.client.info()).logHead;
    // A small tree (16^4 strings expanded), so that a device that expanded it would still answer.
    for (const [msgId, op] of [[1, 0x0a], [2, 0x08], [3, 0x0d]] as const) {
      const reply = decodeReply('bind_seal', await sendRaw(world.transport, msgId, jsonCommand(op, sharedTree(4, 16))));
      expect(reply, `op ${op}`).toMatchObject({ ok: false, code: 'bad_message' });
      expect(reply.ok ? null : reply.body.message, `op ${op}`).toMatch(/no CBOR tags/);
    }
    // Not logged (unauthenticated noise); the session goes on: the holder's press stamps.
    expect((await world.client.info()).logHead).toEqual(head);
    expect(await world.hardware.press(1)).toMatchObject({ stamped: true, useIndex: 1 });
  });
});
