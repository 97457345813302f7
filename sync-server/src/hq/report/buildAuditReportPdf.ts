import { PDFDocument } from '@cantoo/pdf-lib';
import fontkit from '@cantoo/fontkit';
import { barChart, columnChart } from './charts';
import { notoSansScRegular } from './cjkFont';
import { MUTED, PdfCanvas } from './pdfCanvas';
import type { AuditReportModel } from './reportModel';
import { alarmKindLabel, formatDay, formatTime, sealKindLabel } from './reportLabels';

const hours = (value: number | null): string => (value === null ? '—' : `${value.toFixed(1)} h`);

function summary(canvas: PdfCanvas, model: AuditReportModel): void {
  const { totals, approvalLatency: latency } = model;
  canvas.heading('概览 Summary');
  canvas.table([{ label: '指标 Measure', share: 0.7 }, { label: '数值 Value', share: 0.3, align: 'right' }], [
    ['用印次数 Stamps', String(totals.stamps)],
    ['无授权用印 Stamps without a grant', String(totals.stampsWithoutGrant)],
    ['审批决定 Decisions', String(totals.decisions)],
    ['告警 Alarms', String(totals.alarms)],
    ['未结案件 Open cases', String(totals.openCases)],
    ['已批准申请 Requests approved', String(latency.decided)],
    ['审批耗时中位数 Approval latency, median', hours(latency.p50Hours)],
    ['审批耗时 P95 Approval latency, 95th percentile', hours(latency.p95Hours)],
  ]);
}

function openCases(canvas: PdfCanvas, model: AuditReportModel): void {
  canvas.heading('未结案件 Open cases');
  canvas.text('截至生成时未解决、异常发生于期间结束前 Unresolved when generated, about anomalies before the period ended', { color: MUTED });
  if (model.openCases.length === 0) {
    canvas.text('无 None', { color: MUTED });
    return;
  }
  canvas.table(
    [{ label: '立案时间 Case opened', share: 0.2 }, { label: '异常时间 Anomaly at', share: 0.2 }, { label: '类型 Kind', share: 0.18 }, { label: '单位 Unit', share: 0.14 }, { label: '说明 Summary', share: 0.28 }],
    model.openCases.map((c) => [formatTime(c.openedAt), formatTime(c.anomalyAt), alarmKindLabel(c.kind), c.unit, c.summary]),
  );
}

/**
 * The PDF audit report of a period and scope: a title block, the summary, uses per day, by unit,
 * by seal kind, anomalies by kind, open cases; Chinese and English; vector charts and tables;
 * page numbers. The font is a subset of Noto Sans SC, so every glyph shown is embedded.
 */
export async function buildAuditReportPdf(model: AuditReportModel): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  doc.registerFontkit(fontkit);
  const font = await doc.embedFont(await notoSansScRegular(), { subset: true });
  const title = `用印审计报告 Seal use audit report — ${model.scopeName}`;
  doc.setTitle(title);
  doc.setCreator('Seal Control 印章管控');
  doc.setCreationDate(new Date(model.generatedAt));

  const canvas = new PdfCanvas(doc, font);
  canvas.text('用印审计报告', { size: 22, gap: 2 });
  canvas.text(`Seal use audit report · ${model.scopeName}`, { size: 13, gap: 6 });
  canvas.text(`期间 Period: ${formatDay(model.period.from)} — ${formatDay(model.period.to - 1)}（北京时间 China time, UTC+8）`, { color: MUTED });
  canvas.text(`生成 Generated: ${formatTime(model.generatedAt)} · ${model.generatedBy}`, { color: MUTED });

  summary(canvas, model);
  canvas.heading('每日用印 Stamps per day');
  columnChart(canvas, model.usesPerDay.map((d) => ({ label: d.day, value: d.count })));
  canvas.heading('按单位 By unit');
  barChart(canvas, model.byUnit.map((u) => ({ label: u.name, value: u.count })));
  canvas.heading('按印章类型 By seal kind');
  barChart(canvas, model.bySealKind.map((k) => ({ label: sealKindLabel(k.kind), value: k.count })));
  canvas.heading('异常（按类型）Anomalies by kind');
  barChart(canvas, model.anomaliesByKind.map((a) => ({ label: alarmKindLabel(a.kind), value: a.count })));
  openCases(canvas, model);
  canvas.numberPages(model.scopeName);
  return doc.save();
}
