export * from './kinds';
export * from './subject';
export * from './rows';
export * from './factBodies';
export * from './recordSchemas';
export * from './actor';
export * from './projection';
export * from './protocol';
