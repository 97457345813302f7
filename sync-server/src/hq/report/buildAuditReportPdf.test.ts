import { execFile } from 'node:child_process';
import { mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { buildAuditReportPdf } from './buildAuditReportPdf';
import { sampleReport } from './reportFixture.testing';

const run = promisify(execFile);
let dir: string | undefined;
afterAll(async () => {
  // KEEP_REPORT_PNG=1 leaves the rendered pages behind, to look at them.
  if (dir && !process.env.KEEP_REPORT_PNG) await rm(dir, { recursive: true, force: true });
});

describe('the PDF audit report', () => {
  it('renders with poppler, and its Chinese text is embedded and extractable (not tofu)', async () => {
    const pdf = await buildAuditReportPdf(sampleReport);
    // A subset of the 8 MB font: only the glyphs used.
    expect(pdf.length).toBeLessThan(400_000);
    dir = await mkdtemp(join(tmpdir(), 'sealctl-report-'));
    const file = join(dir, 'report.pdf');
    await writeFile(file, pdf);
    await run('pdftoppm', ['-png', '-r', '70', file, join(dir, 'page')]);
    const pngs = (await readdir(dir)).filter((name) => name.endsWith('.png')).sort();
    expect(pngs.length).toBeGreaterThanOrEqual(1);
    for (const png of pngs) expect((await stat(join(dir, png))).size).toBeGreaterThan(5_000);

    const { stdout: text } = await run('pdftotext', ['-enc', 'UTF-8', file, '-']);
    for (const words of ['用印审计报告', '华东分公司', '上海虹桥项目部', '合同专用章', '越出地理围栏', '未结案件', '设备外壳被打开', `第 1 / ${pngs.length} 页`, 'Seal use audit report']) {
      expect(text).toContain(words);
    }
    const { stdout: fonts } = await run('pdffonts', [file]);
    // The one font is embedded (the `emb` column), with a Unicode map (`uni`): text extracts as written.
    expect(fonts).toMatch(/NotoSans\S*\s+CID Type 0C\s+Identity-H\s+yes\s+(yes|no)\s+yes/);
  });
});
