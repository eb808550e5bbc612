import type { TraceStep } from '../../types.js';
import type { InputBagKind, RequestObjectKind } from '../../models/request-sources.js';
import type { SINK_CATEGORIES } from '../config.js';

/** A kind of sink a sanitizer makes a value safe for (config.ts SINK_CATEGORIES): sql, nosql, command, code, path, url, html. */
export type SinkCategory = (typeof SINK_CATEGORIES)[number];

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
   * The sink categories a category-specific sanitizer made the value safe for (a config sanitizer
   * model with `category`, a built-in SQL escaper): still request data, and reported by the rules
   * of every other category. Absent when none; sorted, without repeats. Rules ask taintFor().
   */
  safeFor?: readonly SinkCategory[];
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
  /**
   * Set when the value is a validator's whole output for one input part (Hono `c.req.valid('query')`,
   * what `zValidator('query', schema)` or `createRoute({ request: { query } })` parsed): it holds only
   * the fields the route's schema for that part declares, when trustscan reads that schema.
   */
  validatedPart?: InputBagKind;
  /**
   * The constant text the value starts with, when the code decides it: `/v9/domains/${domain}`
   * starts with `/v9/domains/`, so `https://api.vercel.com${path}` keeps its host. Kept through
   * assignments, calls and returns; dropped by any transform and by joins, which may start otherwise.
   */
  knownPrefix?: string;
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
      /**
       * With `fields`, what a member not among them holds: the spread objects it was built from
       * (`{ ...query, projectId: auth.projectId }`). Without it such a member is undefined.
       */
      rest?: ValueOrigin;
    }
  /** the authenticated user's own data (req.user.id, session), not client input */
  | { kind: 'principal'; label: string }
  /**
   * a literal or something built only from literals. `value`: the literal itself (`'new'`, `true`),
   * `fields`: an object literal's members, when known; what a branch on it (`if (options.type === 'new')`)
   * decides for the call that passed it. Dropped by joins and by names the code reassigns.
   */
  | { kind: 'constant'; value?: string | number | boolean | null; fields?: Readonly<Record<string, ValueOrigin>> }
  /**
   * proven a number/boolean, or checked against an allowlist. `identity`: the request value it
   * was converted from (`Number(req.params.id)`, `@Param('id', ParseIntPipe)`): no longer text an
   * attacker shapes, but still the client's choice of which record (object-level access rules).
   */
  | { kind: 'sanitized'; how: string; identity?: Taint }
  /** we cannot tell (a parameter nobody tainted, an unknown call) */
  | { kind: 'unknown' };

/** A check that exits unless the path stays under a base directory (`if (!x.startsWith(base)) throw`): path rules decide. */
export const PATH_CONTAINMENT_CHECK = 'path containment check';
/**
 * A check that exits unless the id names a stored record (`const doc = await Imports.findById(id); if (!doc)
 * throw`): past it the id is a key the server generated, text the client could not shape. Still the
 * client's choice of record (access rules keep it); path rules decide.
 */
export const EXISTING_RECORD_KEY = 'id of a stored record';
// Transforms a check records, not a function the value went through.
const CHECK_TRANSFORMS: ReadonlySet<string> = new Set([PATH_CONTAINMENT_CHECK, EXISTING_RECORD_KEY]);

export const MAX_TRACE_STEPS = 12;

export function withStep(taint: Taint, step: TraceStep): Taint {
  const last = taint.steps.at(-1);
  if (last && last.file === step.file && last.line === step.line && last.message === step.message) return taint;
  const steps = taint.steps.length >= MAX_TRACE_STEPS ? [...taint.steps.slice(0, 2), ...taint.steps.slice(-(MAX_TRACE_STEPS - 3)), step] : [...taint.steps, step];
  // A request object keeps its kind through an assignment: `({ ctx }) => ctx.user` reads the principal of the tRPC context.
  return { source: taint.source, steps, transforms: taint.transforms, ...safeForOf(taint), ...(taint.inputBag ? { inputBag: taint.inputBag } : {}), ...(taint.requestObject ? { requestObject: taint.requestObject } : {}), ...(taint.knownPrefix !== undefined ? { knownPrefix: taint.knownPrefix } : {}), ...(taint.validatedPart ? { validatedPart: taint.validatedPart } : {}) };
}

export function withTransform(taint: Taint, transform: string): Taint {
  return { source: taint.source, steps: taint.steps, transforms: [...taint.transforms, transform], ...safeForOf(taint), ...(taint.inputBag ? { inputBag: taint.inputBag } : {}) };
}

/** `{ safeFor }` when the taint has categories, else nothing: a spread that keeps plain taints as they were. */
export function safeForOf(taint: Taint): { safeFor?: readonly SinkCategory[] } {
  return taint.safeFor ? { safeFor: taint.safeFor } : {};
}

/** The taint made safe for one more category of sinks. */
export function withSafeFor(taint: Taint, category: SinkCategory): Taint {
  if (taint.safeFor?.includes(category)) return taint;
  return { ...taint, safeFor: [...(taint.safeFor ?? []), category].sort() };
}

/**
 * The request data that reaches a sink of `category` through this value: its taint, unless a
 * sanitizer made it safe for that category. Every sink-reading rule asks with its own category.
 */
export function taintFor(origin: ValueOrigin | undefined, category: SinkCategory): Taint | undefined {
  if (origin?.kind !== 'tainted') return undefined;
  return origin.taint.safeFor?.includes(category) ? undefined : origin.taint;
}

/** Whether a value carries request data into a sink of `category` (see taintFor). */
export function isTaintedFor(origin: ValueOrigin | undefined, category: SinkCategory): boolean {
  return taintFor(origin, category) !== undefined;
}

/**
 * The first tainted origin wins: one clear trace beats a merge of several. Made safe for a sink
 * category only as far as every tainted part is: the first part unsafe for the most sinks gives
 * the trace, with the categories all parts share.
 */
/**
 * The tainted part that speaks for a value built of several: the first no check confined
 * (`path.join(dir, checkedId, req.query.file)` is the file's), else the first.
 */
export function leadingTainted(origins: readonly (ValueOrigin | undefined)[]): (ValueOrigin & { kind: 'tainted' }) | undefined {
  const tainted = origins.filter((origin): origin is ValueOrigin & { kind: 'tainted' } => origin?.kind === 'tainted');
  return tainted.find((origin) => !origin.taint.transforms.some((transform) => CHECK_TRANSFORMS.has(transform))) ?? tainted[0];
}

export function joinOrigins(origins: readonly ValueOrigin[]): ValueOrigin {
  // Two values may hold different literals: the join keeps none of them.
  if (origins.length > 1 && origins.some(holdsLiterals)) return joinOrigins(origins.map(withoutLiterals));
  const tainted = leadingTainted(origins);
  if (tainted) {
    const joined = tainted.kind === 'tainted' && tainted.taint.safeFor ? joinSafeFor(origins) : tainted;
    // Several parts (a concatenation, two branches): the value need not start with this part's prefix.
    if (origins.length > 1 && joined.kind === 'tainted' && joined.taint.knownPrefix !== undefined) {
      const { knownPrefix: _dropped, ...taint } = joined.taint;
      return { ...joined, taint };
    }
    return joined;
  }
  if (origins.length > 0 && origins.every((origin) => origin.kind === 'constant')) return { kind: 'constant' };
  if (origins.length > 0 && origins.every((origin) => origin.kind === 'constant' || origin.kind === 'sanitized')) {
    return origins.find((origin) => origin.kind === 'sanitized' && origin.identity) ?? origins.find((origin) => origin.kind === 'sanitized') ?? { kind: 'constant' };
  }
  const principal = origins.find((origin) => origin.kind === 'principal');
  if (principal && origins.every((origin) => origin.kind !== 'unknown')) return principal;
  return { kind: 'unknown' };
}

/** joinOrigins when the first tainted part is safe for some categories: the categories every tainted part shares. */
function joinSafeFor(origins: readonly ValueOrigin[]): ValueOrigin {
  const parts = origins.filter((origin): origin is ValueOrigin & { kind: 'tainted' } => origin.kind === 'tainted');
  const shared = parts.reduce<readonly SinkCategory[]>((categories, part) => categories.filter((category) => part.taint.safeFor?.includes(category)), parts[0]!.taint.safeFor ?? []);
  const least = parts.reduce((best, part) => ((part.taint.safeFor?.length ?? 0) < (best.taint.safeFor?.length ?? 0) ? part : best), parts[0]!);
  if ((least.taint.safeFor?.length ?? 0) === shared.length) return least;
  const { safeFor: _safeFor, ...rest } = least.taint;
  return { ...least, taint: shared.length > 0 ? { ...rest, safeFor: shared } : rest };
}

/** The request value that picks a record: tainted input, or input converted to a number/UUID. */
export function identityTaint(origin: ValueOrigin | undefined): Taint | undefined {
  if (origin?.kind === 'tainted') return origin.taint;
  if (origin?.kind === 'sanitized') return origin.identity;
  return undefined;
}

/** Whether a value, or a member of it, carries a known literal (`value` of a constant). */
export function holdsLiterals(origin: ValueOrigin): boolean {
  if (origin.kind === 'constant') return origin.value !== undefined || origin.fields !== undefined;
  if (origin.kind !== 'tainted' || !origin.fields) return false;
  return Object.values(origin.fields).some(holdsLiterals) || (origin.rest !== undefined && holdsLiterals(origin.rest));
}

/** The value with every known literal in it forgotten (a join, or a name the code reassigns). */
export function withoutLiterals(origin: ValueOrigin): ValueOrigin {
  if (!holdsLiterals(origin)) return origin;
  if (origin.kind === 'constant') return { kind: 'constant' };
  if (origin.kind !== 'tainted' || !origin.fields) return origin;
  const fields = Object.fromEntries(Object.entries(origin.fields).map(([name, field]) => [name, withoutLiterals(field)]));
  return { ...origin, fields, ...(origin.rest ? { rest: withoutLiterals(origin.rest) } : {}) };
}
