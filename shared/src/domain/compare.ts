/**
 * Orders strings by UTF-16 code units: the same on every runtime and locale (`localeCompare`
 * is not), which derived state needs to come out identical on every replica.
 */
export const compareText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
