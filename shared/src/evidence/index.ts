export * from './bundleSchema';
export * from './report';
export * from './verifyBundle';
export * from './attestBundle';
