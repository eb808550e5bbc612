import { entryName } from '../types.js';
/**
 * `trustscan flows`: the state machines the code implements, as Mermaid stateDiagram-v2, JSON or
 * Markdown (diagrams plus a table of steps, guards and rate limits) — the evidence an auditor asks
 * for when they ask how the server enforces the order of a multi-step process. Pure: formats the
 * flow model it is given; output is deterministic (model order is route order, states in
 * declaration order).
 */
import type { Flow, FlowModel, FlowStep } from '../engine/flows/flow-model.js';
import type { RateLimitEvidence } from '../engine/routes/rate-limits.js';
import type { Route } from '../engine/routes/route.js';
import { maskSecretsInLine } from '../engine/mask-secrets.js';
import { escapeControlCharacters } from './terminal-text.js';

export const FLOWS_SCHEMA_VERSION = '1.0.0';

/** Drawn for a transition the server does not guard: it can start from any state. */
const ANY_STATE = 'any state';

export function formatFlowsMermaid(model: FlowModel): string {
  if (model.flows.length === 0) return '%% trustscan found no stateful flows (no route changes a status/state field to a value the code decides)\n';
  return `${model.flows.map((flow) => `%% ${flowTitle(flow)}\n${mermaidDiagram(flow)}`).join('\n')}`;
}

export function mermaidDiagram(flow: Flow): string {
  const lines = ['stateDiagram-v2'];
  const ids = new Map<string, string>();
  const idOf = (state: string): string => {
    const known = ids.get(state);
    if (known) return known;
    const base = `s_${state.replace(/[^A-Za-z0-9_]/g, '_')}`;
    let id = base;
    for (let n = 2; [...ids.values()].includes(id); n++) id = `${base}_${n}`;
    ids.set(state, id);
    return id;
  };
  const declared = flow.kind === 'config' && flow.declaredSteps ? flow.declaredSteps : undefined;
  if (declared && flow.transitions.length === 0) {
    // A declared flow with no state field: its steps are the states, in the declared order.
    declared.forEach((step, index) => lines.push(`  state "${escapeLabel(step.step)}" as step_${index + 1}`));
    lines.push('  [*] --> step_1');
    declared.forEach((step, index) => {
      if (index === 0) return;
      const mark = !step.route ? 'NOT FOUND IN CODE' : step.guarded ? 'guarded' : 'UNGUARDED';
      lines.push(`  step_${index} --> step_${index + 1} : ${mark}`);
    });
    lines.push(`  step_${declared.length} --> [*]`);
    const unguarded = declared.map((step, index) => ({ step, index })).filter(({ step, index }) => index > 0 && step.guarded === false);
    if (unguarded.length > 0) {
      lines.push('  classDef unguarded fill:#fde2e1,stroke:#c0392b,color:#7b241c');
      lines.push(`  class ${unguarded.map(({ index }) => `step_${index + 1}`).join(',')} unguarded`);
    }
    return `${lines.join('\n')}\n`;
  }
  for (const state of flow.states) lines.push(`  state "${escapeLabel(state)}" as ${idOf(state)}`);
  const needsAny = flow.transitions.some((transition) => !transition.creates && transition.from.length === 0);
  if (needsAny) lines.push(`  state "${ANY_STATE}" as any_state`);
  const unguardedTargets = new Set<string>();
  for (const transition of flow.transitions) {
    const label = `${entryName(transition.route)}${transition.creates ? '' : transition.guarded ? ' (guarded)' : ' UNGUARDED'}`;
    const sources = transition.creates ? ['[*]'] : transition.from.length > 0 ? transition.from.map(idOf) : ['any_state'];
    for (const source of sources) lines.push(`  ${source} --> ${idOf(transition.to)} : ${escapeLabel(label)}`);
    if (!transition.guarded) unguardedTargets.add(idOf(transition.to));
  }
  if (unguardedTargets.size > 0 || needsAny) {
    lines.push('  classDef unguarded fill:#fde2e1,stroke:#c0392b,color:#7b241c');
    lines.push(`  class ${[...(needsAny ? ['any_state'] : []), ...unguardedTargets].join(',')} unguarded`);
  }
  return `${lines.join('\n')}\n`;
}

/** Mermaid ends a label at a newline and reads `;` and `#` specially; colons after the first are kept. */
function escapeLabel(text: string): string {
  return escapeControlCharacters(text.replace(/[\r\n]+/g, ' ')).replace(/;/g, ',').replace(/#/g, '').replace(/"/g, "'");
}

export function flowTitle(flow: Flow): string {
  return flow.kind === 'config' ? `flow "${flow.name}" (declared in config)${flow.entity ? `: ${flow.entity}.${flow.field ?? 'status'}` : ''}` : `${flow.entity}.${flow.field}`;
}

export interface FlowsJson {
  schemaVersion: typeof FLOWS_SCHEMA_VERSION;
  tool: { name: 'trustscan'; version: string };
  flows: Flow[];
  steps: Array<{
    method: string;
    path: string;
    file: string;
    line: number;
    kind?: string;
    declaredIn: string[];
    entity?: string;
    field?: string;
    to?: string;
    verdict: FlowStep['verdict'];
    /** What ties the route to a flow: a state field it writes, a config flow, money it moves, or only its name. */
    basis: FlowStep['basis'];
    adminOnly?: string;
    movesMoney: boolean;
    guards: Array<{ kind: string; evidence: string; file: string; line: number }>;
    rateLimits: Array<{ name: string; scope: string; keyedBy: string; file: string; line: number }>;
  }>;
  entities: FlowModel['entities'];
}

export function formatFlowsJson(model: FlowModel, rateLimits: ReadonlyMap<Route, RateLimitEvidence[]>, version: string): string {
  return `${JSON.stringify(buildFlowsJson(model, rateLimits, version), null, 2)}\n`;
}

/** The flows' JSON shape (also what the Node API's analyzeFlows returns): evidence masked, no compiler nodes. */
export function buildFlowsJson(model: FlowModel, rateLimits: ReadonlyMap<Route, RateLimitEvidence[]>, version: string): FlowsJson {
  const json: FlowsJson = {
    schemaVersion: FLOWS_SCHEMA_VERSION,
    tool: { name: 'trustscan', version },
    // Guard and admin evidence quote scanned code: secret-shaped values in it are masked.
    flows: model.flows.map((flow) => ({
      ...flow,
      transitions: flow.transitions.map((transition) => (transition.guard ? { ...transition, guard: maskSecretsInLine(transition.guard) } : transition)),
    })),
    steps: sensitiveSteps(model).map((step) => ({
      method: step.route.method,
      path: step.route.path,
      file: step.route.file,
      line: step.route.line,
      ...(step.named ? { kind: step.named.kind } : {}),
      declaredIn: step.declared.map((position) => position.flow),
      ...(step.entity ? { entity: step.entity } : {}),
      ...(step.field ? { field: step.field } : {}),
      ...(step.transition?.value !== undefined ? { to: step.transition.value } : {}),
      verdict: step.verdict,
      basis: step.basis,
      ...(step.adminOnly ? { adminOnly: maskSecretsInLine(step.adminOnly) } : {}),
      movesMoney: step.movesMoney,
      guards: step.guards.map((guard) => ({ kind: guard.kind, evidence: maskSecretsInLine(guard.evidence), file: guard.file, line: guard.line })),
      rateLimits: (rateLimits.get(step.route) ?? []).map((limit) => ({ name: limit.name, scope: limit.scope, keyedBy: limit.keyedBy, file: limit.file, line: limit.line })),
    })),
    entities: model.entities,
  };
  return json;
}

export function formatFlowsMarkdown(model: FlowModel, rateLimits: ReadonlyMap<Route, RateLimitEvidence[]>): string {
  const out: string[] = ['# Business flows', ''];
  out.push('How the server enforces the order of each multi-step process, generated by trustscan from the code. A transition marked UNGUARDED can be called in any state: the server does not check the current state before it changes it.', '');
  if (model.flows.length === 0) out.push('No stateful flow found: no route changes a status/state field to a value the code decides.', '');
  for (const flow of model.flows) {
    out.push(`## ${flowTitle(flow)}`, '');
    if (flow.source) out.push(`Declared at \`${escapeCell(flow.source.file)}:${flow.source.line}\`.`, '');
    out.push('```mermaid', mermaidDiagram(flow).trimEnd(), '```', '');
    if (flow.declaredSteps) {
      out.push('| # | declared step | route in code | server-side state check |', '|---|---|---|---|');
      flow.declaredSteps.forEach((step, index) => {
        const where = step.route ? `\`${escapeCell(step.route.file)}:${step.route.line}\`` : '**not found in code**';
        const check = !step.route ? '' : step.entry ? 'entry step' : step.guarded ? 'yes' : '**no**';
        out.push(`| ${index + 1} | \`${step.step}\` | ${where} | ${check} |`);
      });
      out.push('');
    }
  }
  const steps = sensitiveSteps(model);
  out.push('## Steps, guards and rate limits', '');
  if (steps.length === 0) out.push('No sensitive flow step found.', '');
  else {
    out.push('| route | step | changes | state check before the change | rate limit |', '|---|---|---|---|---|');
    for (const step of steps) {
      const kind = step.named ? step.named.kind : step.declared.length > 0 ? `flow ${step.declared.map((d) => d.flow).join(', ')}` : 'state change';
      const changes = step.transition ? `${step.entity}.${step.transition.field} → \`${step.transition.value}\`` : step.change ? ('field' in step.change ? `${step.entity ?? 'record'}` : step.change.description) : '—';
      const guard = step.verdict === 'no-change' ? 'no state change found' : step.guards.length > 0 ? step.guards.map((g) => `${g.kind}: \`${escapeCell(g.evidence)}\` (${escapeCell(g.file)}:${g.line})`).join('<br>') : '**none**';
      const limits = rateLimits.get(step.route) ?? [];
      const limit = limits.length > 0 ? limits.map((l) => `${escapeCell(l.name)} (${l.scope}, ${l.keyedBy === 'total' ? 'one budget for all clients' : `per ${l.keyedBy}`})`).join('<br>') : 'none';
      out.push(`| \`${step.route.method} ${escapeCell(step.route.path)}\` ${escapeCell(step.route.file)}:${step.route.line} | ${kind}${step.movesMoney ? ' (moves money)' : ''}${step.basis === 'name' ? ' (by name only)' : ''}${step.adminOnly ? ' (admin only)' : ''} | ${escapeCell(changes)} | ${guard} | ${limit} |`);
    }
    out.push('');
  }
  return `${out.join('\n')}`;
}

/** Steps worth a row: named or declared steps and state transitions (not mere record creations). */
function sensitiveSteps(model: FlowModel): FlowStep[] {
  return model.steps.filter((step) => step.named || step.declared.length > 0 || step.transition);
}

/** A table cell: one line, no column breaks, code text masked for secrets, controls escaped. */
function escapeCell(text: string): string {
  return escapeControlCharacters(maskSecretsInLine(text).replace(/\|/g, '\\|').replace(/[\r\n]+/g, ' '));
}
