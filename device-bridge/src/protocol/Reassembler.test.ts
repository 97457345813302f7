import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FRAME_FIRST, FRAME_LAST, toFrames } from './frames';
import { Reassembler, type ReassemblyEvent } from './Reassembler';

const feed = (r: Reassembler, frames: readonly Uint8Array[]): ReassemblyEvent[] => frames.map((f) => r.push(f));
const message = (n: number) => Uint8Array.from({ length: n }, (_, i) => i & 0xff);
const errorCodes = (events: ReassemblyEvent[]) => events.flatMap((e) => (e.kind === 'error' ? [e.code] : []));

describe('toFrames', () => {
  it('fits 20-byte frames: 17 payload bytes in the first, 19 in the others', () => {
    const frames = toFrames(message(17 + 19 + 1), 2, 20);
    expect(frames.map((f) => f.length)).toEqual([20, 20, 2]);
    expect(frames[0]![0]).toBe(FRAME_FIRST | (2 << 4) | 0);
    expect(frames[2]![0]).toBe(FRAME_LAST | (2 << 4) | 2);
    expect([frames[0]![1], frames[0]![2]]).toEqual([0, 37]);
    expect(toFrames(message(5), 1, 20)).toEqual([Uint8Array.from([FRAME_FIRST | FRAME_LAST | 0x10, 0, 5, 0, 1, 2, 3, 4])]);
  });

  it('refuses sizes it cannot carry (caller bugs)', () => {
    expect(() => toFrames(message(0), 0, 20)).toThrow(RangeError);
    expect(() => toFrames(message(3), 0, 19)).toThrow(RangeError);
  });
});

describe('Reassembler', () => {
  it('puts any message back together at any frame size', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 2000 }), fc.integer({ min: 20, max: 512 }), fc.integer({ min: 0, max: 3 }), (bytes, size, id) => {
        const events = feed(new Reassembler(), toFrames(bytes, id, size));
        expect(events.at(-1)).toEqual({ kind: 'message', msgId: id, bytes });
        expect(events.slice(0, -1).every((e) => e.kind === 'partial')).toBe(true);
      }),
    );
  });

  it('never throws on garbage, and recovers at the next first frame', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 40 }), { maxLength: 30 }), (garbage) => {
        const r = new Reassembler(1024);
        feed(r, garbage);
        const events = feed(r, toFrames(message(60), 1, 20));
        expect(events.at(-1)).toMatchObject({ kind: 'message', msgId: 1 });
      }),
    );
  });

  it('names each way frames go wrong', () => {
    const frames = toFrames(message(60), 1, 20); // 4 frames
    const other = toFrames(message(60), 2, 20);
    expect(errorCodes(feed(new Reassembler(), [new Uint8Array(0)]))).toEqual(['bad_frame']);
    expect(errorCodes(feed(new Reassembler(), [Uint8Array.from([FRAME_FIRST, 0])]))).toEqual(['bad_frame']);
    expect(errorCodes(feed(new Reassembler(), [frames[1]!]))).toEqual(['unexpected_frame']);
    expect(errorCodes(feed(new Reassembler(), [frames[0]!, frames[2]!, frames[1]!, frames[3]!]))).toEqual(['out_of_order']);
    expect(errorCodes(feed(new Reassembler(), [frames[0]!, other[1]!, frames[1]!]))).toEqual(['interleaved']);
    expect(errorCodes(feed(new Reassembler(), [frames[0]!, Uint8Array.from([FRAME_LAST | 0x10 | 1, 9])]))).toEqual(['truncated']);
    const long = frames[3]!.slice();
    const padded = Uint8Array.from([...long, ...message(30)]);
    expect(errorCodes(feed(new Reassembler(), [frames[0]!, frames[1]!, frames[2]!, padded]))).toEqual(['overlong']);
    expect(errorCodes(feed(new Reassembler(50), [frames[0]!]))).toEqual(['too_large']);
  });

  it('ignores the rest of a refused message, and lets a new first frame start over', () => {
    const frames = toFrames(message(60), 1, 20);
    const r = new Reassembler();
    expect(feed(r, [frames[0]!, frames[2]!, frames[3]!]).map((e) => e.kind)).toEqual(['partial', 'error', 'ignored']);
    const r2 = new Reassembler();
    r2.push(frames[0]!);
    expect(feed(r2, toFrames(message(10), 3, 20)).at(-1)).toMatchObject({ kind: 'message', msgId: 3 });
  });

  it('ends a half-written message as truncated when the peer starts reading', () => {
    const r = new Reassembler();
    r.push(toFrames(message(60), 0, 20)[0]!);
    expect(r.abort()).toMatchObject({ kind: 'error', code: 'truncated' });
    expect(r.abort()).toBeNull();
  });
});
