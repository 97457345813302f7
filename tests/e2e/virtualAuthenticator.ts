/**
 * A WebAuthn virtual authenticator on one page (CDP `WebAuthn` domain): a platform passkey
 * store (CTAP2, internal transport, resident keys, user verification that always succeeds),
 * so that `navigator.credentials.create/get` run without a prompt. One per person: each
 * person's page gets its own, so their passkeys never mix.
 */
import type { CDPSession, Page } from 'playwright-core';

export interface VirtualCredential {
  readonly credentialId: string;
  readonly isResidentCredential: boolean;
  readonly rpId?: string;
  readonly privateKey: string;
  readonly userHandle?: string;
  readonly signCount: number;
}

export interface VirtualAuthenticator {
  readonly id: string;
  /** The passkeys it holds (credential ids in base64, as CDP reports them). */
  credentials(): Promise<VirtualCredential[]>;
  remove(): Promise<void>;
}

export async function addVirtualAuthenticator(page: Page): Promise<VirtualAuthenticator & { readonly cdp: CDPSession }> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('WebAuthn.enable', { enableUI: false });
  return createOn(cdp);
}

/** Another authenticator on the same page session (e.g. "a second device"). */
export async function createOn(cdp: CDPSession): Promise<VirtualAuthenticator & { readonly cdp: CDPSession }> {
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2',
      transport: 'internal',
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });
  return {
    id: authenticatorId,
    cdp,
    async credentials() {
      const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
      return credentials;
    },
    async remove() {
      await cdp.send('WebAuthn.removeVirtualAuthenticator', { authenticatorId });
    },
  };
}
