// Types of lib/typescript.cjs: the same `ts` namespace ts-morph exports.
export { ts } from 'ts-morph';
