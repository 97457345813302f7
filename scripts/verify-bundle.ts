/**
 * Verifies a Seal Control evidence bundle with nothing but the organisation's public key: no
 * server, no network. Prints each check and the verdict.
 *
 *   npx tsx scripts/verify-bundle.ts verify <bundle.json> --org-key <org-public-key.jwk.json> [--json]
 *
 * The key file is the organisation's P-256 public JWK, or the answer of `GET /api/org-key`
 * (`{ keyId, publicJwk }`); obtain it apart from the bundle (the bundle names its own key, which
 * is checked against this one). Exit 0: valid; 1: not valid; 2: usage error or unreadable file.
 */
import { readFile } from 'node:fs/promises';
import { formatEvidenceReport, p256PublicJwkSchema, parseJsonStrict, verifyBundle, type P256PublicJwk } from '@seal/shared';

const USAGE = 'usage: npx tsx scripts/verify-bundle.ts verify <bundle.json> --org-key <org-public-key.jwk.json> [--json]';

class UsageError extends Error {}

function parseArgs(argv: readonly string[]): { bundle: string; orgKey: string; json: boolean } {
  const [command, ...rest] = argv;
  if (command !== 'verify') throw new UsageError(command === undefined ? 'no command given' : `unknown command "${command}"`);
  let bundle: string | undefined;
  let orgKey: string | undefined;
  let json = false;
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i]!;
    if (arg === '--org-key') orgKey = rest[++i];
    else if (arg.startsWith('--org-key=')) orgKey = arg.slice('--org-key='.length);
    else if (arg === '--json') json = true;
    else if (arg.startsWith('--')) throw new UsageError(`unknown option "${arg}"`);
    else if (bundle === undefined) bundle = arg;
    else throw new UsageError(`unexpected argument "${arg}"`);
  }
  if (bundle === undefined) throw new UsageError('no bundle file given');
  if (orgKey === undefined || orgKey === '') throw new UsageError('no --org-key file given');
  return { bundle, orgKey, json };
}

async function readJson(path: string, what: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read the ${what} ${path}: ${(error as Error).message}`);
  }
  const parsed = parseJsonStrict(text);
  if (!parsed.ok) throw new UsageError(`the ${what} ${path} is not JSON: ${parsed.error.message}`);
  return parsed.value;
}

function orgKeyOf(value: unknown): P256PublicJwk {
  const inner = typeof value === 'object' && value !== null && 'publicJwk' in value ? value.publicJwk : value;
  const parsed = p256PublicJwkSchema.safeParse(inner);
  if (!parsed.success) throw new UsageError('the --org-key file is not a P-256 public JWK ({kty, crv, x, y}) nor a GET /api/org-key answer');
  return parsed.data;
}

async function main(argv: readonly string[]): Promise<number> {
  try {
    const args = parseArgs(argv);
    const orgKey = orgKeyOf(await readJson(args.orgKey, 'organisation key file'));
    const report = await verifyBundle(await readJson(args.bundle, 'bundle'), orgKey);
    process.stdout.write(`${args.json ? JSON.stringify(report, null, 2) : formatEvidenceReport(report)}\n`);
    return report.valid ? 0 : 1;
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`${error.message}\n${USAGE}\n`);
    return 2;
  }
}

process.exitCode = await main(process.argv.slice(2));
