/** What one route does to the state of a business flow (route-flow.ts finds it; flow-model.ts judges it). */
import type { Route } from '../routes/route.js';

export interface FlowLocation {
  file: string;
  line: number;
  column: number;
}

/** A write of a state field: `status: 'paid'`, `UPDATE orders SET status = $2`, `order.status = 'shipped'`. */
export interface StateWrite extends FlowLocation {
  /** The model, table or variable the field belongs to, as written (`order`, `orders`, `Order`). */
  entity?: string;
  field: string;
  /** The value written, when the code decides it (a literal, an enum member, a caller's literal argument). */
  value?: string;
  /** Creates the record in its first state (create/insert/new): not a transition to guard. */
  creates: boolean;
  /** The update's own condition on the state field (`where: { id, status: 'PENDING' }`), the states it requires. */
  requires?: string[];
  /** The states the update's condition excludes (`status: { [Op.notIn]: ['PAID', 'CANCELLED'] }`). */
  forbids?: string[];
  /**
   * A conditional update of every record its filter matches, naming none (`where: { accountId, status: 'ACTIVE' }`):
   * how many rows it changes says nothing about one record's state, and a repeat changes none.
   */
  bulk?: true;
  /** For a conditional update: whether its result (count, rows) is used, so a mismatch can stop the flow. */
  resultUsed: boolean;
  seq: number;
  /** Functions crossed from the handler, outermost first. */
  via: string[];
  /** Written in a `catch` block: records that the request's own work failed, not a step a client drives. */
  inCatch?: boolean;
  /**
   * The record the request itself created earlier in the flow (`const deployment = await createDeployment(...)`,
   * then `updateDeploymentStatus(deployment.deploymentId, 'done')`): its own work progressing, not a step a client drives.
   */
  ownRecord?: true;
  /**
   * The request value a `switch` picks this write's case by (`switch (req.params.status) { case 'pending': media.status = ... }`):
   * the caller names the state to set, as an override does.
   */
  pickedBy?: string;
}

/** Any other write of stored data or call that moves money: the state change of a named step. */
export interface Effect extends FlowLocation {
  kind: 'write' | 'money';
  description: string;
  seq: number;
  via: string[];
  /** For a data-access write: the model and the method (`projectInvite`, `delete`). */
  model?: string;
  method?: string;
}

export type GuardKind = 'state-check' | 'conditional-update' | 'state-machine' | 'verified-token' | 'payment-status' | 'replay-check' | 'middleware' | 'config' | 'webhook-event';

/** A server-side check that stops the flow when it is in the wrong state. */
export interface StateGuard extends FlowLocation {
  kind: GuardKind;
  /** What was checked, as written: `order.status !== 'pending_payment'`, `assertTransition(...)`. */
  evidence: string;
  /** The variable or model checked (`order`, `coupon`), and where it came from (`orders.findById`). */
  subject?: string;
  subjectSource?: string;
  field?: string;
  /** States the check lets through (`!== 'pending'` exits: expects pending) or stops (`=== 'paid'` exits). */
  expected: string[];
  forbidden: string[];
  seq: number;
  /** Last sequence number the check covers: Infinity when it exits, the end of the branch when it wraps the write. */
  scopeEnd: number;
}

/** A fact about who may call the route or where its input comes from, with the code that shows it. */
export interface RouteFact extends FlowLocation {
  evidence: string;
  seq: number;
  /** For branches (`switch (event.type)`): the last sequence number inside the branch. */
  scopeEnd: number;
  /** A signature of the app's own queue (QStash): the message was sent by the server itself. */
  queue?: boolean;
}

export interface RouteFlow {
  route: Route;
  writes: StateWrite[];
  effects: Effect[];
  guards: StateGuard[];
  /** Checks in the handler that stop anyone but an administrator (`if (user.role !== 'ADMIN') throw`). */
  adminChecks: RouteFact[];
  /** Verified webhook signatures (`stripe.webhooks.constructEvent`, an HMAC compared with `timingSafeEqual`, Svix). */
  signatures: RouteFact[];
  /** Branches on the provider's event type (`switch (event.type)`, `if (event.type === 'checkout.session.completed')`). */
  eventBranches: RouteFact[];
  /** Writes of a fresh secret to a token/code field (`reset_password_token: randomUUID()`): the route issues a link or code. */
  issuedSecrets: FlowLocation[];
  /** Lookups whose miss stops the request (`if (!invite) throw`), with the model read. */
  existenceChecks: Array<RouteFact & { model?: string }>;
}
