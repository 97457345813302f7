export * from './anomalyRules';
export * from './anomaly';
export * from './detectAnomalies';
