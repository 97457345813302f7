export * from './action';
export * from './permissions';
export * from './can';
export * from './rosterAuthorises';
export * from './roleCombination';
export * from './checkRoleGrantChange';
