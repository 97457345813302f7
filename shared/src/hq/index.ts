export * from './event';
export * from './constants';
