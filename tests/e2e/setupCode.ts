/** The one-time setup code line the sync-server prints at first start (see sync-server/src/auth/bootstrap.ts). */
const SETUP_CODE_LINE = /^\s+([0-9A-Z]{4}(-[0-9A-Z]{4}){4})$/;

/** The last setup code in the server's output (a restart before setup prints a new one). */
export function setupCodeFrom(output: string): string {
  const codes = output
    .split(/\r?\n/)
    .map((line) => SETUP_CODE_LINE.exec(line)?.[1])
    .filter((code): code is string => code !== undefined);
  const code = codes.at(-1);
  if (code === undefined) throw new Error(`The server printed no setup code line matching ${String(SETUP_CODE_LINE)}:\n${output}`);
  return code;
}
