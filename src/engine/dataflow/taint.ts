import type { TraceStep } from '../../types.js';
import type { InputBagKind, RequestObjectKind } from '../../models/request-sources.js';

/** Where client-controlled data enters: `req.query.sort`, `@Body() dto`, `c.req.param('id')`. */
export interface TaintSource {
  /** Human label of the expression that reads the input, e.g. "req.query.sort". */
  label: string;
  /** query | params | body | headers | cookies | url | files | request (whole object) */
  kind: string;
}

/**
 * A value that carries request data, with the steps that moved it (source first). Taint values
 * are immutable; extending the trace returns a new one.
 */
export interface Taint {
  source: TaintSource;
  steps: readonly TraceStep[];
  /**
   * Functions the value passed through that keep it tainted in general but neutralise it for
   * some sinks (`path.basename` for file paths, `mysql.escape` for SQL): rules decide.
   */
  transforms: readonly string[];
  /**
   * Set when the value is a whole request/context object (`req`, `ctx`, `c.req`, Next's
   * `request`): reading a property of it picks the input (query, body) or the principal (user).
   */
  requestObject?: RequestObjectKind;
  /**
   * Set when the value is a whole input bag (`req.params`, `request.query`, `req.body`): reading a
   * field of it is where a route's validation schema says what the field can hold.
   */
  inputBag?: InputBagKind;
}

/** How trusted a value is, from the point of view of a sink. */
export type ValueOrigin =
  /** request input reaches it */
  | {
      kind: 'tainted';
      taint: Taint;
      /**
       * For an object literal (`{ id: session.user.id, cursor: req.query.cursor }`), each property's
       * own origin: destructuring it or reading a property picks that one, not the whole object's taint.
       */
      fields?: Readonly<Record<string, ValueOrigin>>;
    }
  /** the authenticated user's own data (req.user.id, session), not client input */
  | { kind: 'principal'; label: string }
  /** a literal or something built only from literals */
  | { kind: 'constant' }
  /**
   * proven a number/boolean, or checked against an allowlist. `identity`: the request value it
   * was converted from (`Number(req.params.id)`, `@Param('id', ParseIntPipe)`): no longer text an
   * attacker shapes, but still the client's choice of which record (object-level access rules).
   */
  | { kind: 'sanitized'; how: string; identity?: Taint }
  /** we cannot tell (a parameter nobody tainted, an unknown call) */
  | { kind: 'unknown' };

export const MAX_TRACE_STEPS = 12;

export function withStep(taint: Taint, step: TraceStep): Taint {
  const last = taint.steps.at(-1);
  if (last && last.file === step.file && last.line === step.line && last.message === step.message) return taint;
  const steps = taint.steps.length >= MAX_TRACE_STEPS ? [...taint.steps.slice(0, 2), ...taint.steps.slice(-(MAX_TRACE_STEPS - 3)), step] : [...taint.steps, step];
  // A request object keeps its kind through an assignment: `({ ctx }) => ctx.user` reads the principal of the tRPC context.
  return { source: taint.source, steps, transforms: taint.transforms, ...(taint.inputBag ? { inputBag: taint.inputBag } : {}), ...(taint.requestObject ? { requestObject: taint.requestObject } : {}) };
}

export function withTransform(taint: Taint, transform: string): Taint {
  return { source: taint.source, steps: taint.steps, transforms: [...taint.transforms, transform], ...(taint.inputBag ? { inputBag: taint.inputBag } : {}) };
}

/** The first tainted origin wins: one clear trace beats a merge of several. */
export function joinOrigins(origins: readonly ValueOrigin[]): ValueOrigin {
  const tainted = origins.find((origin) => origin.kind === 'tainted');
  if (tainted) return tainted;
  if (origins.length > 0 && origins.every((origin) => origin.kind === 'constant')) return { kind: 'constant' };
  if (origins.length > 0 && origins.every((origin) => origin.kind === 'constant' || origin.kind === 'sanitized')) {
    return origins.find((origin) => origin.kind === 'sanitized' && origin.identity) ?? origins.find((origin) => origin.kind === 'sanitized') ?? { kind: 'constant' };
  }
  const principal = origins.find((origin) => origin.kind === 'principal');
  if (principal && origins.every((origin) => origin.kind !== 'unknown')) return principal;
  return { kind: 'unknown' };
}

/** The request value that picks a record: tainted input, or input converted to a number/UUID. */
export function identityTaint(origin: ValueOrigin | undefined): Taint | undefined {
  if (origin?.kind === 'tainted') return origin.taint;
  if (origin?.kind === 'sanitized') return origin.identity;
  return undefined;
}
