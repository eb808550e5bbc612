/**
 * Name resolution: what a name or an expression refers to, within a file and across files. The one
 * entry point of src/engine/names/: code outside this folder imports from here only
 * (test/layers.test.ts checks it), so how a name is resolved can change behind these functions.
 *
 * - ModuleIndex (module-index.ts): the scan's files by path, their imports, exports, re-exports,
 *   barrels, `require`, tsconfig paths; `resolveName(file, name)` gives a Binding (a declaration in a
 *   scanned file, or a package export).
 * - resolveFunction (functions.ts): the function an expression evaluates to (imported names,
 *   `obj.method`, `Class.method`, injected services, wrappers around handlers), built on ModuleIndex.
 * - moduleCallee (module-callee.ts): what a callee is in terms of a package (`fs.promises.readFile`,
 *   `axios.create().get`), built on ModuleIndex and the locals below.
 * - localBinding / localDeclaration / localInitializer / localConstInitializer (locals.ts): the local
 *   variable or parameter a name refers to inside a function or file, before the use.
 *
 * - importedValue (imported-values.ts): which package export an expression names, through imports,
 *   requires, aliases and `promisify` (the sinks of injection rules: `exec`, `vm.runInContext`).
 * - fileImports / importedCallee (file-imports.ts): the same from one file's own imports only, for
 *   file-local rules, whose results the cache keeps per file.
 *
 * Syntax questions that need no name (outer expressions, property names, positions, the enclosing
 * class) live in ../ast/syntax.ts.
 */
export { ModuleIndex, bindingNames, bindingValue, requiredModule, type Binding, type OutsideFiles, type SubpathImports } from './module-index.js';
export { baseClassOf, calledFunctions, callTargets, handlerRunningMembers, memberAlternatives, resolveFunction, returnedFunction, typedReceiverMethod, type ResolvedFunction } from './functions.js';
export { moduleCallee, type ModuleCallee } from './module-callee.js';
export { importedValue, isModuleObject, type ImportedValue } from './imported-values.js';
export { fileImports, importedCallee, type FileImport } from './file-imports.js';
export { contextMemberClass, contextMemberRead, contextMemberValues, type ContextMemberValue } from './context-members.js';
export { localBinding, localConstInitializer, localDeclaration, localInitializer } from './locals.js';
