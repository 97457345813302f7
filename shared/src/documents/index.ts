export * from './certificates';
export * from './cms';
export { fromPem, hexOf, toPem } from './der';
export * from './pades';
export * from './verifyPdf';
