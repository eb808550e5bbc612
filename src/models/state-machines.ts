/**
 * State-machine libraries as data: the packages whose machines a business flow may ask before it
 * moves a record on, and the methods that ask. engine/flows/route-flow.ts holds the matching (a
 * call of a checking method on a machine made by one of these packages, or on a receiver named
 * like a machine, guards the flow step; a `can...` check counts only as the condition of an exit).
 */

/**
 * Package names, matched as prefixes: `xstate` (and `@xstate/...` packages), javascript-state-machine,
 * typescript-fsm, robot3, @steelbreeze/state.
 */
export const STATE_MACHINE_PACKAGE_PREFIXES: readonly string[] = ['xstate', '@xstate/', 'javascript-state-machine', 'typescript-fsm', 'robot3', '@steelbreeze/state'];

/** Methods of a machine that check (or perform only when allowed) a transition: `fsm.can('ship')`, `machine.transition(state, event)`. */
export const STATE_MACHINE_CHECK_METHODS: readonly string[] = ['transition', 'can', 'cannot', 'is', 'assertTransition'];

/** Methods that send an event without checking anything the caller sees (`actor.send({ type: 'PAY' })`): not a guard. */
export const STATE_MACHINE_EVENT_METHODS: readonly string[] = ['send'];

/** Whether a module specifier is a state-machine package. */
export function isStateMachinePackage(module: string): boolean {
  return STATE_MACHINE_PACKAGE_PREFIXES.some((prefix) => module.startsWith(prefix));
}
