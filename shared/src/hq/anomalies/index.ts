export * from './anomalyRules';
export * from './anomaly';
export * from './detectAnomalies';
export * from './stampsOf';
export * from './reconcile';
export * from './drawSpotCheckSample';
