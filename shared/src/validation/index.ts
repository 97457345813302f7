export * from './parseRecord';
