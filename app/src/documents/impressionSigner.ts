import { newImpressionId, refuse, verificationCodeOf } from '@seal/shared';
import type { ImpressionSigner } from './electronicStamping';

/**
 * The one place the stamping screen meets signing: a new impression (its id, and the code printed
 * on the pages), then the holder's signature and the impression fact. Until the app's
 * `stampElectronically` (grant check, PAdES signature with the tablet's key, impression fact)
 * is here, signing is refused plainly rather than handing out an unsigned "stamped" file.
 */
export function impressionSigner(): ImpressionSigner {
  return {
    async begin() {
      const impressionId = newImpressionId();
      return { impressionId, code: await verificationCodeOf(impressionId) };
    },
    sign: () => Promise.resolve(refuse('signing_unavailable', 'signing electronic impressions is not available in this version of the app')),
  };
}
