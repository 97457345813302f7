export * from './sealText';
export * from './sealAppearance';
export * from './sealSvg';
export * from './sealPdf';
export * from './processSheet';
