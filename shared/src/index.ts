export * from './result';
export * from './encoding/base64url';
export * from './encoding/canonical';
export * from './crypto';
export * from './domain';
export * from './policy';
export * from './validation';
