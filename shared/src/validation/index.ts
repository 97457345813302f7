export * from './parseRecord';
export * from './plainJsonProblem';
