import { isDomainName } from './settingSchemas';

/** What is wrong with a setting: the phrase after "must be", and the text that arrived. */
export interface SettingProblem {
  readonly expected: string;
  readonly arrived: string;
}

export type OriginsOutcome = { readonly ok: true; readonly origins: string[] } | { readonly ok: false; readonly problem: SettingProblem };

const BARE_ORIGINS = 'comma-separated bare origins such as https://seal.example.com (http or https, a domain name, no path, query, credentials or default port)';

/** Browsers offer passkeys on plain http only on localhost (a secure context); elsewhere never. */
const isLocalhost = (host: string): boolean => host === 'localhost' || host.endsWith('.localhost');

/** One origin, strictly: scheme, host and port only, as browsers write it in clientDataJSON. */
function originProblem(entry: string, rpId: string): SettingProblem | undefined {
  if (!URL.canParse(entry)) return { expected: BARE_ORIGINS, arrived: entry };
  const url = new URL(entry);
  const bare = url.origin === entry.replace(/\/$/, '') && isDomainName(url.hostname);
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || !bare) {
    return { expected: BARE_ORIGINS, arrived: entry };
  }
  if (url.hostname !== rpId && !url.hostname.endsWith(`.${rpId}`)) {
    return { expected: `origins within RP_ID "${rpId}" (passkeys would never work elsewhere)`, arrived: entry };
  }
  if (url.protocol === 'http:' && !isLocalhost(url.hostname)) {
    return { expected: 'https origins (browsers offer passkeys over plain http only on localhost)', arrived: entry };
  }
  return undefined;
}

/** ORIGINS (or ORIGIN), comma-separated; the first is the canonical one. Duplicates count once. */
export function parseOrigins(raw: string, rpId: string): OriginsOutcome {
  const entries = raw.split(',').map((entry) => entry.trim()).filter(Boolean);
  if (entries.length === 0) return { ok: false, problem: { expected: `at least one origin (${BARE_ORIGINS})`, arrived: raw } };
  for (const entry of entries) {
    const problem = originProblem(entry, rpId);
    if (problem) return { ok: false, problem };
  }
  return { ok: true, origins: [...new Set(entries.map((entry) => new URL(entry).origin))] };
}
