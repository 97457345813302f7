import type { Repositories } from '../couch/repositories';
import { hashOneTimeCode, newOneTimeCode } from './secrets';

/** Whether the organisation is set up, and if not, the code that sets it up. */
export type SetupState = { readonly state: 'done' } | { readonly state: 'pending'; readonly code: string };

/**
 * Runs at every start. Once setup is done, nothing. Otherwise issues a fresh one-time setup code
 * and stores only its hash, so a code printed by an earlier start stops working. Setup that was
 * claimed but whose administrator was never written (a crash mid-setup) is reopened.
 */
export async function prepareSetup(repos: Repositories, now: number): Promise<SetupState> {
  const setup = await repos.meta.getSetup();
  const adminExists = setup?.adminUserId !== undefined && (await repos.users.get(setup.adminUserId)) !== undefined;
  if (setup?.state === 'done' && adminExists) return { state: 'done' };
  const code = newOneTimeCode();
  const issued = await repos.meta.putPendingSetup(hashOneTimeCode(code)!, now, setup?.state === 'done');
  return issued === 'issued' ? { state: 'pending', code } : { state: 'done' };
}

/** The console banner that shows the setup code to whoever started the server. */
export function setupBanner(code: string, url: string): string {
  const line = '═'.repeat(66);
  return [
    '', line,
    '  FIRST START — no administrator yet.',
    `  Open ${url} and choose "Set up", then enter this one-time code:`,
    '', `      ${code}`, '',
    '  It works once. Restarting the server before setup prints a new code.',
    line, '',
  ].join('\n');
}

/** Deletes expired sessions and challenges; run periodically by every server instance. */
export async function sweepExpired(repos: Repositories, now: number): Promise<{ sessions: number; challenges: number }> {
  // Challenges are kept an hour past expiry so that a late replay is told "used", not "unknown".
  return { sessions: await repos.sessions.sweep(now), challenges: await repos.challenges.sweep(now - 3_600_000) };
}
