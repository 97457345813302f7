/** `npx tsx bench/buildFixture.ts 1000000`: builds (or finds) the scoped-pull bench's store of that many rows. */
import { orgFixture } from './scopedFixture';

const total = Number(process.argv[2] ?? 1_000_000);
const fixture = await orgFixture(total);
await fixture.close();
console.log(`fixture of ${total} rows ready in ${fixture.dataDir}`);
