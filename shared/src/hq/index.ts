export * from './anomalies';
