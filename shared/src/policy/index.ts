export * from './action';
export * from './permissions';
export * from './can';
export * from './roleCombination';
export * from './checkRoleGrantChange';
export * from './rosterView';
export * from './checkRequestSeal';
