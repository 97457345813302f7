import { describe, expect, it } from 'vitest';
import { MemoryTransport } from './memoryTransport';
import { runTransportTests } from './transportSuite.testing';

runTransportTests('MemoryTransport (20-byte frames)', (server) => {
  const transport = new MemoryTransport(server);
  return Promise.resolve({ transport, dropLink: () => Promise.resolve(transport.drop()), teardown: () => transport.close() });
});

runTransportTests('MemoryTransport (244-byte frames)', (server) => {
  const transport = new MemoryTransport(server, { frameSize: 244 });
  return Promise.resolve({ transport, dropLink: () => Promise.resolve(transport.drop()), teardown: () => transport.close() });
});

describe('MemoryTransport', () => {
  it('refuses a frame larger than the link carries', async () => {
    const transport = new MemoryTransport({ write: () => Promise.resolve(), read: () => new Uint8Array(0), disconnected: () => undefined, onReplyReady: () => () => undefined });
    await expect(transport.write([new Uint8Array(21)])).rejects.toMatchObject({ code: 'gatt_error' });
  });
});
