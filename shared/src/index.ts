export * from './result';
export * from './encoding/base64url';
export * from './encoding/canonical';
