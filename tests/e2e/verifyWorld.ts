/**
 * What the /verify browser tests start from: an organisation seeded over HTTP with a physical
 * stamp (request, approval, grant, the device's stamp with its photo: `seedEvidence`), an
 * invitation for a staff member of the site (who joins in the browser: the tablet that holds the
 * record), and QR pictures of codes — as a PNG (a photo) and as a Y4M video (a camera Chromium
 * fakes with `--use-file-for-fake-video-capture`).
 */
import { writeFile } from 'node:fs/promises';
import QRCode from 'qrcode';
import { seedEvidence, type SeededEvidence } from '../integration/evidenceSeed';
import { httpOrganisation } from '../integration/httpWorld';
import type { RunningServer } from './harness';
import { setupCodeFrom } from './setupCode';

export const VERIFY_NAMES = {
  organisation: '东方建设集团',
  admin: 'Wang Admin',
  site: '杭州项目部',
  custodian: 'Zhao Keeper',
  staff: 'Qian Staff',
  approver: 'Li Approver',
  tablet: 'Sun Tablet',
  seal: '杭州项目部合同专用章',
  title: '分包合同 Subcontract 2026-118',
} as const;

export interface VerifyWorld {
  readonly siteId: string;
  readonly seeded: SeededEvidence;
  /** An invitation for staff at the site (the tablet that will hold the record). */
  readonly tabletInvitation: string;
}

export async function seedVerifyWorld(server: RunningServer): Promise<VerifyWorld> {
  const org = await httpOrganisation(server.url, setupCodeFrom(server.output()), { organisation: VERIFY_NAMES.organisation, admin: VERIFY_NAMES.admin });
  const fence = { lat: 30.2741, lon: 120.1551, radiusM: 300 };
  const siteId = await org.unit(org.admin.rootUnitId, VERIFY_NAMES.site, 'site', fence);
  const custodian = await org.person(siteId, ['custodian'], VERIFY_NAMES.custodian);
  const staff = await org.person(siteId, ['staff'], VERIFY_NAMES.staff);
  const approver = await org.person(org.admin.rootUnitId, ['approver'], VERIFY_NAMES.approver);
  const seeded = await seedEvidence(org.api, { custodian, staff, approver }, {
    siteId, fence, deviceId: 'dev-hz-01', seal: { id: 'seal-hz-contract', name: VERIFY_NAMES.seal }, document: { title: VERIFY_NAMES.title, sha256: 'ab'.repeat(32) },
    // Running, 10 s slow: the server's time record (issued, then carried over) must be ahead of the
    // device's clock when it arrives (a device clock is never set back), and within the skew tolerance.
    clock: { offsetMs: -10_000, manual: false },
  });
  const tabletInvitation = await org.invitation(siteId, ['staff'], VERIFY_NAMES.tablet);
  return { siteId, seeded, tabletInvitation };
}

/** A QR of `text` as a PNG (a photo of the page, as far as a decoder cares). */
export function qrPng(text: string): Promise<Buffer> {
  return QRCode.toBuffer(text, { errorCorrectionLevel: 'M', margin: 4, scale: 8 });
}

/**
 * A Y4M video (640×480, grey, a few identical frames: Chromium loops it) of the QR of `text`,
 * centred on white: what a camera pointed at the printed QR sees.
 */
export async function writeQrVideo(path: string, text: string): Promise<void> {
  const width = 640;
  const height = 480;
  const qr = QRCode.create(text, { errorCorrectionLevel: 'M' });
  const n = qr.modules.size;
  const cell = Math.floor(360 / (n + 8));
  const size = cell * (n + 8);
  const left = Math.floor((width - size) / 2);
  const top = Math.floor((height - size) / 2);
  const luma = Buffer.alloc(width * height, 235);
  for (let row = 0; row < n; row += 1) {
    for (let col = 0; col < n; col += 1) {
      if (!qr.modules.get(row, col)) continue;
      for (let y = 0; y < cell; y += 1) luma.fill(16, (top + (row + 4) * cell + y) * width + left + (col + 4) * cell, (top + (row + 4) * cell + y) * width + left + (col + 5) * cell);
    }
  }
  const chroma = Buffer.alloc((width / 2) * (height / 2) * 2, 128);
  const frame = Buffer.concat([Buffer.from('FRAME\n'), luma, chroma]);
  await writeFile(path, Buffer.concat([Buffer.from(`YUV4MPEG2 W${width} H${height} F10:1 Ip A1:1 C420jpeg\n`), frame, frame, frame]));
}
