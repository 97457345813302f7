export * from './orgRecords';
export * from './revocationList';
