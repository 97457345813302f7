export * from './orgRecords';
