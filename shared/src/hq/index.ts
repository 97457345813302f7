export * from './anomalies';
export * from './event';
export * from './constants';
export * from './timeline';
