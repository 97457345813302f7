export * from './parseRecord';
export * from './plainJsonProblem';
export * from './wellFormedUnicode';
export * from './decodeUtf8Strict';
export * from './jsonLimits';
export * from './scanJsonText';
export * from './checkJsonValue';
export * from './parseJsonStrict';
