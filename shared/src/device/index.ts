export * from './orgRecords';
export * from './revocationList';
export * from './deviceHealth';
