/**
 * Captures a REAL WebAuthn ES256 registration and two assertions from Chromium's virtual
 * authenticator, and writes them to shared/src/crypto/fixtures/chromium-es256.json for the offline
 * verifier's tests (shared/src/crypto). Run once; the fixture is committed.
 *
 *   npx tsx scripts/capture-webauthn-fixture.ts [--out path]
 *
 * Each assertion's challenge is `assertionChallenge(record)` passed as BYTES. Before writing,
 * the capture is cross-checked by @simplewebauthn/server and by our own verifier. Two users: an
 * approver signs the decision, the site holder confirms the unlock.
 */
import { createServer } from 'node:http';
import { type AddressInfo } from 'node:net';
import { writeFile, mkdir } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { verifyAuthenticationResponse, verifyRegistrationResponse } from '@simplewebauthn/server';
import { assertionChallenge, coseToJwk, fromBase64Url, hashRecordHex, toBase64Url, verifyAssertion, type AssertionFields } from '@seal/shared';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const outArg = process.argv[process.argv.indexOf('--out') + 1];
const outFile = process.argv.includes('--out') && outArg ? resolve(outArg) : resolve(root, 'shared/src/crypto/fixtures/chromium-es256.json');
const rpId = 'localhost';

/** base64url helpers the served page defines on `window`. */
interface PageHelpers {
  b64: (buffer: ArrayBuffer) => string;
  unb64: (text: string) => Uint8Array<ArrayBuffer>;
}

/** Sample records: an approval decision and an unlock confirmation bound to a device nonce. */
const decisionRecord = {
  kind: 'decision',
  requestId: 'req-2026-0042',
  documentHash: await hashRecordHex({ sample: 'contract PDF bytes stand-in' }),
  sealId: 'seal-hq-contract-01',
  uses: 2,
  window: { from: 1767225600000, to: 1767312000000 },
  place: { lat: 31.2304, lng: 121.4737, radiusM: 500 },
  verdict: 'approve',
  approverId: 'user-approver-1',
  decidedAt: 1767200000000,
};
const unlockRecord = {
  purpose: 'unlock',
  deviceId: 'dev-0001',
  nonce: toBase64Url(Uint8Array.from({ length: 16 }, (_, i) => (i * 37 + 11) & 0xff)),
  requestId: 'req-2026-0042',
  holderId: 'user-staff-1',
};

const server = createServer((_req, res) => {
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
  // Helpers live in the page, not in the evaluate callbacks: tsx (esbuild keepNames) would wrap
  // named functions there in a `__name` call the page does not define.
  res.end(`<!doctype html><title>webauthn capture</title><script>
    window.b64 = (buffer) => btoa(String.fromCharCode(...new Uint8Array(buffer))).replace(/\\+/g, '-').replace(/\\//g, '_').replace(/=+$/, '');
    window.unb64 = (text) => Uint8Array.from(atob(text.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0));
  </script>`);
});
await new Promise<void>((done) => server.listen(0, 'localhost', done));
const origin = `http://localhost:${(server.address() as AddressInfo).port}`;

type Page = Awaited<ReturnType<Awaited<ReturnType<typeof chromium.launch>>['newPage']>>;

/** Registers an ES256 passkey for `userId`, checks it with @simplewebauthn/server, converts its key. */
async function register(page: Page, userId: string, displayName: string) {
  const challenge = crypto.getRandomValues(new Uint8Array(32));
  const registration = await page.evaluate(
    async ({ challenge, rpId, userId, displayName }) => {
      const { b64 } = window as unknown as PageHelpers;
      const credential = (await navigator.credentials.create({
        publicKey: {
          rp: { id: rpId, name: 'Seal Control' },
          user: { id: new TextEncoder().encode(userId), name: userId, displayName },
          challenge: new Uint8Array(challenge),
          pubKeyCredParams: [{ type: 'public-key', alg: -7 }],
          authenticatorSelection: { residentKey: 'required', userVerification: 'required' },
          attestation: 'none',
        },
      })) as PublicKeyCredential;
      const response = credential.response as AuthenticatorAttestationResponse;
      return {
        credentialId: b64(credential.rawId),
        attestationObject: b64(response.attestationObject),
        clientDataJSON: b64(response.clientDataJSON),
        transports: response.getTransports(),
        publicKeyAlgorithm: response.getPublicKeyAlgorithm(),
      };
    },
    { challenge: [...challenge], rpId, userId, displayName },
  );
  const checked = await verifyRegistrationResponse({
    response: {
      id: registration.credentialId,
      rawId: registration.credentialId,
      type: 'public-key',
      clientExtensionResults: {},
      response: { attestationObject: registration.attestationObject, clientDataJSON: registration.clientDataJSON },
    },
    expectedChallenge: toBase64Url(challenge),
    expectedOrigin: origin,
    expectedRPID: rpId,
    requireUserVerification: true,
    supportedAlgorithmIDs: [-7],
  });
  if (!checked.verified) throw new Error(`@simplewebauthn/server refused the registration of ${userId}`);
  const cose = checked.registrationInfo.credential.publicKey;
  const jwk = coseToJwk(cose);
  if (!jwk.ok) throw new Error(`coseToJwk refused the captured key: ${jwk.error.message}`);
  return { userId, ...registration, challenge: toBase64Url(challenge), publicKeyCose: toBase64Url(cose), publicKeyJwk: jwk.value };
}

type Registration = Awaited<ReturnType<typeof register>>;

/** Asserts with `registration`'s passkey over `assertionChallenge(record)` and cross-checks it twice. */
async function assertRecord(page: Page, registration: Registration, label: string, record: unknown) {
  const challenge = await assertionChallenge(record);
  const response: AssertionFields = await page.evaluate(
    async ({ challenge, rpId, credentialId }) => {
      const { b64, unb64 } = window as unknown as PageHelpers;
      const credential = (await navigator.credentials.get({
        publicKey: { challenge: new Uint8Array(challenge), rpId, allowCredentials: [{ type: 'public-key', id: unb64(credentialId) }], userVerification: 'required' },
      })) as PublicKeyCredential;
      const r = credential.response as AuthenticatorAssertionResponse;
      return {
        credentialId: b64(credential.rawId),
        authenticatorData: b64(r.authenticatorData),
        clientDataJSON: b64(r.clientDataJSON),
        signature: b64(r.signature),
        ...(r.userHandle ? { userHandle: b64(r.userHandle) } : {}),
      };
    },
    { challenge: [...challenge], rpId, credentialId: registration.credentialId },
  );
  const independent = await verifyAuthenticationResponse({
    response: {
      id: response.credentialId,
      rawId: response.credentialId,
      type: 'public-key',
      clientExtensionResults: {},
      response: { authenticatorData: response.authenticatorData, clientDataJSON: response.clientDataJSON, signature: response.signature, ...(response.userHandle ? { userHandle: response.userHandle } : {}) },
    },
    expectedChallenge: toBase64Url(challenge),
    expectedOrigin: origin,
    expectedRPID: rpId,
    credential: { id: registration.credentialId, publicKey: new Uint8Array(fromBase64Url(registration.publicKeyCose)), counter: 0 },
    requireUserVerification: true,
  });
  if (!independent.verified) throw new Error(`@simplewebauthn/server refused the ${label} assertion`);
  const ours = await verifyAssertion({ assertion: response, expected: { record }, credential: { id: registration.credentialId, publicKeyJwk: registration.publicKeyJwk }, origins: [origin], rpId });
  if (!ours.ok) throw new Error(`verifyAssertion refused the ${label} assertion: ${ours.error.message}`);
  return { label, userId: registration.userId, record, challenge: toBase64Url(challenge), response };
}

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
try {
  const page = await browser.newPage();
  await page.goto(`${origin}/`);
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: { protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true },
  });

  const approver = await register(page, decisionRecord.approverId, 'Approver One');
  const holder = await register(page, unlockRecord.holderId, 'Site Staff One');
  const fixture = {
    description:
      'Real WebAuthn ES256 registrations and assertions from the Chromium virtual authenticator (ctap2, internal, UV). ' +
      'Generated once by scripts/capture-webauthn-fixture.ts; each assertion challenge is assertionChallenge(record) as bytes.',
    browser: `Chromium ${browser.version()}`,
    verifiedWith: '@simplewebauthn/server 14 (verifyRegistrationResponse, verifyAuthenticationResponse) and verifyAssertion, at capture time',
    origin,
    rpId,
    registrations: [approver, holder],
    assertions: [await assertRecord(page, approver, 'decision', decisionRecord), await assertRecord(page, holder, 'unlock', unlockRecord)],
  };
  await mkdir(dirname(outFile), { recursive: true });
  await writeFile(outFile, `${JSON.stringify(fixture, null, 2)}\n`);
  console.log(`wrote ${outFile} (origin ${origin}, rpId ${rpId})`);
} finally {
  await browser.close();
  server.close();
}
