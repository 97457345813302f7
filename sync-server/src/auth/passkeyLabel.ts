import { z } from 'zod';

/**
 * The name a passkey gets when its owner gives none: `Passkey · 通行密钥 N`, N counting the user's
 * passkeys (revoked ones included), so the list still tells them apart. Bilingual on purpose: the
 * name is stored once and shown to everyone, in either of the app's languages. The app sends the
 * device's name ("Android · Chrome") when it can tell it.
 */
export const defaultPasskeyLabel = (nth: number): string => `Passkey · 通行密钥 ${nth}`;

/** The optional `label` of a registration body. */
export const passkeyLabelSchema = z.string().trim().max(100).optional()
  .describe(`Shown in the passkey list; empty or absent: "${defaultPasskeyLabel(1).replace('1', 'N')}", N the count of the user's passkeys`);
