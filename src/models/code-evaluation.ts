/**
 * Code evaluation as data: the JavaScript globals that compile text, node:vm's functions, the
 * "safe" evaluators with published sandbox escapes, and the path helpers that confine a module name.
 * rules/code-injection.ts holds the matching (global names nobody declared, imports resolved to these
 * exports, a vm2 machine followed to its `new`, an evaluator placed in a vm context). Adding an
 * evaluator is an entry here and a fixture in fixtures/rules/code-injection.
 */

/** Globals that compile their arguments as JavaScript (`eval(code)`, `new Function(body)`), also when placed in a vm context. */
export const GLOBAL_EVALUATORS: readonly string[] = ['eval', 'Function'];

/**
 * node:vm compiles and runs its first argument as JavaScript; its "context" is not a security
 * boundary. `withContext`: the functions whose second argument is the context, where request data
 * handed to an evaluator counts as evaluated (`vm.runInContext('safeEval(x)', { safeEval, x })`).
 * No timers: browsers evaluate setTimeout('code'), but Node throws ERR_INVALID_ARG_TYPE for a
 * non-function callback, so a string timer in server code is a crash, not code execution.
 */
export const NODE_VM = {
  package: 'vm',
  functions: new Set(['runInNewContext', 'runInThisContext', 'runInContext', 'compileFunction', 'Script', 'SourceTextModule']) as ReadonlySet<string>,
  withContext: new Set(['runInNewContext', 'runInContext']) as ReadonlySet<string>,
} as const;

/** "Safe" evaluators with published sandbox escapes and no maintained fix: evaluating input in them is code injection. `*` is a namespace import called as a function. */
export const ESCAPABLE_SANDBOXES: ReadonlyArray<{ package: string; exports: readonly string[] }> = [
  { package: 'notevil', exports: ['default', 'eval', '*'] },
  { package: 'safe-eval', exports: ['default', '*'] },
  { package: 'safer-eval', exports: ['default', '*'] },
  { package: 'vm2', exports: ['VMScript'] },
  // Runs any `_$$ND_FUNC$$_` function in the text it is given (CVE-2017-5941); unmaintained since 2014.
  { package: 'node-serialize', exports: ['unserialize'] },
];

/** vm2's machines: `new VM().run(code)`, `vm.run(code)` where `vm = new NodeVM(...)`. vm2 is discontinued with unfixed escapes. */
export const VM2 = { package: 'vm2', machines: ['VM', 'NodeVM'] as readonly string[], method: 'run' } as const;

