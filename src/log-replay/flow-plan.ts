/**
 * What the replay checks, read from the flow model the code gives (engine/flows/flow-model.ts):
 * per flow, its steps, the route of each, whether the code guards it, and what must come before it.
 *
 * - Entity flows (`Order.status`): a transition is in order when the record is in one of the states
 *   it requires. A guarded transition requires what its guard checks (FlowTransition.from). An
 *   unguarded one requires nothing in code, which is the bug; the intent is read from the entity's
 *   declared states: the state declared just before its target (`paid` after `pending_payment`),
 *   plus any state a guarded transition into the same target requires. That inference is marked
 *   as such in the report; a config flow states the order outright.
 * - Config flows: the declared steps in order; each needs the one before it (a step the code does not
 *   have is unobservable and needs nothing).
 */
import type { Flow, FlowModel } from '../engine/flows/flow-model.js';

export interface RouteRef {
  method: string;
  path: string;
  file: string;
  line: number;
}

export interface PlannedStep {
  flow: string;
  flowKind: 'entity' | 'config';
  route: RouteRef;
  /** Entity flows: the state the step moves the record to; config flows: the declared step. */
  name: string;
  /** Config flows: the declared position (0 = entry). */
  index: number;
  to?: string;
  /** A creation: the record starts here (`[*] --> CART`). Never out of order, never a repeat. */
  creates: boolean;
  /** The code checks the state (or the declared step is guarded): out-of-order success is less likely and less severe. */
  guarded: boolean;
  /** Entity flows: the states the step is in order from; undefined when nothing is known. */
  expectedFrom?: string[];
  /** Whether expectedFrom is read from the declared state order rather than from the code's guard. */
  inferred: boolean;
  /** Config flows: the declared index that must be reached first. */
  previous?: number;
  /** The record the step changes is named by the last parameter of its path (`/orders/:id/pay`). */
  keyedByRecord: boolean;
}

export interface FlowPlan {
  name: string;
  kind: 'entity' | 'config';
  entity?: string;
  field?: string;
  steps: PlannedStep[];
  /** States records are created in (entity flows). */
  initialStates: ReadonlySet<string>;
  /** States some route of the flow moves a record to: the only ones a log can show. */
  observableStates: ReadonlySet<string>;
}

export const routeKey = (route: { method: string; path: string }): string => `${route.method} ${route.path}`;

const PARAMETER_SEGMENT = /(?:^|\/)(?::|\[|\{)/;
const hasParameter = (path: string): boolean => PARAMETER_SEGMENT.test(path);

function entityPlan(flow: Flow, declaredStates: readonly string[] | undefined): FlowPlan {
  const initialStates = new Set(flow.transitions.filter((transition) => transition.creates).map((transition) => transition.to));
  const observableStates = new Set(flow.transitions.map((transition) => transition.to));
  const seen = new Set<string>();
  const steps: PlannedStep[] = [];
  for (const transition of flow.transitions) {
    // A route drawn from several states is one step (`cancel` from CART and from PENDING_PAYMENT).
    const key = `${routeKey(transition.route)} -> ${transition.to}`;
    if (seen.has(key)) continue;
    seen.add(key);
    let expectedFrom: string[] | undefined;
    let inferred = false;
    if (!transition.creates) {
      if (transition.guarded && transition.from.length > 0) {
        expectedFrom = [...new Set(flow.transitions.filter((other) => routeKey(other.route) === routeKey(transition.route) && other.to === transition.to).flatMap((other) => other.from))];
      } else if (!transition.guarded) {
        const position = declaredStates?.indexOf(transition.to) ?? -1;
        const guardedInto = flow.transitions.filter((other) => other.guarded && !other.creates && other.to === transition.to).flatMap((other) => other.from);
        const predecessor = position > 0 ? [declaredStates![position - 1]!] : [];
        const intended = [...new Set([...predecessor, ...guardedInto])];
        if (intended.length > 0) {
          expectedFrom = intended;
          inferred = true;
        }
      }
    }
    steps.push({
      flow: flow.name,
      flowKind: 'entity',
      route: transition.route,
      name: transition.to,
      index: steps.length,
      to: transition.to,
      creates: transition.creates,
      guarded: transition.guarded,
      ...(expectedFrom ? { expectedFrom } : {}),
      inferred,
      keyedByRecord: hasParameter(transition.route.path),
    });
  }
  return { name: flow.name, kind: 'entity', ...(flow.entity ? { entity: flow.entity } : {}), ...(flow.field ? { field: flow.field } : {}), steps, initialStates, observableStates };
}

function configPlan(flow: Flow): FlowPlan {
  const declared = flow.declaredSteps ?? [];
  const steps: PlannedStep[] = [];
  declared.forEach((step, index) => {
    if (!step.route) return;
    const before = declared[index - 1];
    steps.push({
      flow: flow.name,
      flowKind: 'config',
      route: step.route,
      name: step.step,
      index,
      creates: false,
      guarded: step.entry || step.guarded !== false,
      inferred: false,
      // A step before it that the code lacks cannot show in a log: nothing to require.
      ...(index > 0 && before?.route ? { previous: index - 1 } : {}),
      keyedByRecord: hasParameter(step.route.path),
    });
  });
  return { name: flow.name, kind: 'config', ...(flow.entity ? { entity: flow.entity } : {}), ...(flow.field ? { field: flow.field } : {}), steps, initialStates: new Set(), observableStates: new Set() };
}

/** The replay plan of every flow of the model (or of the flows given). */
export function planFlows(model: Pick<FlowModel, 'flows' | 'entities'>): FlowPlan[] {
  return model.flows
    .map((flow) => {
      if (flow.kind === 'config') return configPlan(flow);
      const entity = model.entities.find((candidate) => candidate.name === flow.entity && candidate.field === flow.field);
      return entityPlan(flow, entity?.states);
    })
    .filter((plan) => plan.steps.length > 0);
}
