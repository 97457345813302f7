/**
 * `@seal/device-bridge/testing`: the acceptance suites every storage port and transport runs, and
 * the simulated seal world the device tests, the app's tests and the benchmarks stand on.
 */
export * from './device/storageSuite.testing';
export * from './device/doubleStamp.testing';
export * from './device/refusalExpect.testing';
export * from './device/sealWorld.testing';
export * from './transport/transportSuite.testing';
/** The raw request/reply over a transport, for tests that send what the client never would. */
export { exchange, DEFAULT_TIMING, type ExchangeTiming } from './client/exchange';
