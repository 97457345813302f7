/**
 * `@seal/shared/testing`: what tests, acceptance suites and the demo world take from the domain
 * and the package does not export: the fixture organisation and its facts, the real WebAuthn
 * capture, and a software passkey. Never imported by production code of the app or the server.
 */
export * from './domain/fixtures.testing';
export * from './crypto/webauthnFixture.testing';
export * from './crypto/softPasskey';
export * from './hq/anomalies/generateHistory.testing';
export { PLANT_NAMES, type PlantedAnomaly, type PlantName } from './hq/anomalies/plants.testing';
export * from './documents/testPki.testing';
