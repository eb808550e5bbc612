import { ts } from '#typescript';
import type { TaintedCall } from '../engine/dataflow/engine.js';
import { isTaintedFor, type Taint } from '../engine/dataflow/taint.js';
import type { RuleContext } from '../engine/rule-api.js';
import { defineRule } from './define-rule.js';
import { hostCheckedBefore, type GuardBody } from './utils/host-allowlist-guards.js';
import { httpRequestSink } from './utils/http-client-sinks.js';
import { fieldOriginAtCaller, indexArguments } from './utils/object-argument-fields.js';
import { moduleCallee, resolveFunction } from '../engine/names/index.js';
import { nodeAtStep } from './utils/trace-nodes.js';
import { modelledSinkCalls, reportTaintedSink, routeLabel } from './utils/tainted-sink.js';
import { requestControlsHost } from './utils/url-host-control.js';
import { urlContext } from './utils/url-context.js';
import { AGENT_OPTIONS } from '../models/http-clients.js';

export default defineRule({
  meta: {
    id: 'ssrf',
    title: 'Request data chooses where the server sends a request',
    severity: 'high',
    confidence: 'high',
    controls: {
      soc2: ['CC6.6'],
      owaspApi: ['API7:2023'],
      cwe: ['CWE-918'],
      pciDss: ['6.2.4'],
      hipaa: ['164.312(e)(1)'],
      gdpr: ['Art. 32(1)(b)'],
    },
    docs: {
      description:
        'Finds request data that decides the scheme or host of an outgoing HTTP request (fetch, axios, got, http/https, undici, needle, superagent, node-fetch, ky, NestJS HttpService) with no host allowlist check before it.',
      remediation:
        'Send requests only to fixed origins: build the URL from a constant base and encode request values into its path or query, or parse the URL and reject it unless its protocol and hostname are in an allowlist.',
    },
  },
  analyses: ['dataflow'],
  check(ctx) {
    const calls = ctx.dataflow.taintedCalls();
    const argumentsOfCalls = indexArguments(calls);

    for (const tainted of calls) {
      const sink = httpRequestSink(ctx, tainted.file, tainted.call);
      if (!sink || usesFilteringAgent(ctx, tainted)) continue;
      const context = urlContext(ctx, tainted, argumentsOfCalls);
      const control = requestControlsHost(sink.target, context, sink.prefix);
      // Checked before the sink, before a step of the flow, or before the caller passes the URL in (`if (!isValidCertUrl(url)) return; download(url)`).
      if (!control || isHostChecked(ctx, control.taint, sink.target) || (control.passedAt ?? []).some((argument) => hostCheckedBefore(argument, projectGuardBody(ctx)))) continue;
      // One field of an object the caller built (`{ url: CONST, body: req.body }`): judge that field.
      const field = fieldOriginAtCaller(ctx, sink.target, control.taint, argumentsOfCalls);
      if (field && !isTaintedFor(field, 'url')) continue;
      reportTaintedSink(
        ctx,
        tainted,
        control.taint,
        `Request input ${control.taint.source.label} ${control.how} of ${sink.name} in ${routeLabel(tainted)}: a request can make the server call internal services or cloud metadata endpoints (SSRF).`,
        `${sink.name} sends the request`,
        { confidence: control.confidence, administratorInput: true },
      );
    }
    // A project's own wrapper that config `models` declares a url sink (its insides hidden from the scan).
    for (const { tainted, taint, sinkName } of modelledSinkCalls(ctx, 'url')) {
      reportTaintedSink(ctx, tainted, taint, `Request input ${taint.source.label} reaches the URL of ${sinkName}, an outbound request sink, in ${routeLabel(tainted)}: an attacker can make the server call hosts of their choice.`, `${sinkName} receives it as the URL`);
    }
  },
});

// request-filtering-agent, ssrf-req-filter, ssrf-agent: agents that refuse private and metadata addresses.
const FILTERING_AGENT = /filter|ssrf/i;

/** `fetch(url, { agent: useAgent(url) })` of request-filtering-agent: the agent blocks internal targets at connect time. */
function usesFilteringAgent(ctx: RuleContext, tainted: TaintedCall): boolean {
  return (tainted.call.arguments ?? []).some(
    (argument) =>
      ts.isObjectLiteralExpression(argument) &&
      argument.properties.some((property) => {
        if (!ts.isPropertyAssignment(property) || !ts.isIdentifier(property.name) || !AGENT_OPTIONS.has(property.name.text)) return false;
        const agent = property.initializer;
        if (FILTERING_AGENT.test(agent.getText())) return true;
        const callee = ts.isCallExpression(agent) || ts.isNewExpression(agent) ? moduleCallee(ctx, tainted.file, agent.expression) : undefined;
        if (callee !== undefined && FILTERING_AGENT.test(callee.module)) return true;
        return ts.isCallExpression(agent) && helperMakesFilteringAgent(ctx, tainted.file, agent);
      }),
  );
}

/**
 * `agent: buildAgent(url, options)`: a project helper that makes the agent, and makes it with a
 * filtering agent (`useFilteringAgent(url, options)` of request-filtering-agent, or a project copy
 * of it named for what it does). Every agent it returns must come from one: a helper that may hand
 * back a plain `new https.Agent()` filters nothing on that path.
 */
function helperMakesFilteringAgent(ctx: RuleContext, file: TaintedCall['file'], call: ts.CallExpression): boolean {
  const helper = resolveFunction(ctx.modules, file, call.expression);
  const body = helper?.node.body;
  if (!helper || !body) return false;
  let filtering = false;
  let plain = false;
  const visit = (node: ts.Node): void => {
    if (node !== body && ts.isFunctionLike(node)) return;
    if (ts.isCallExpression(node) || ts.isNewExpression(node)) {
      const text = node.expression.getText(helper.node.getSourceFile());
      const module = moduleCallee(ctx, helper.file, node.expression)?.module;
      if (FILTERING_AGENT.test(text) || (module !== undefined && FILTERING_AGENT.test(module))) filtering = true;
      // `new https.Agent(...)`, `new http.Agent(...)`: an agent that connects anywhere.
      else if (ts.isNewExpression(node) && /\bAgent$/.test(text)) plain = true;
    }
    ts.forEachChild(node, visit);
  };
  visit(body);
  return filtering && !plain;
}

/** A host allowlist check that exits early before the sink, or before any earlier step of the flow. */
function isHostChecked(ctx: RuleContext, taint: Taint, target: ts.Expression): boolean {
  const guardBody = projectGuardBody(ctx);
  if (hostCheckedBefore(target, guardBody)) return true;
  return taint.steps.some((step) => {
    const node = nodeAtStep(ctx, step);
    return node !== undefined && hostCheckedBefore(node, guardBody);
  });
}

/** The body of the project function a guard call runs (`validateAndResolveWebhookUrl(url)` in lib/utils), read across files. */
function projectGuardBody(ctx: RuleContext): GuardBody {
  return (call) => {
    const file = ctx.modules.fileOf(call);
    const fn = file && resolveFunction(ctx.modules, file, call.expression);
    return fn?.node.body?.getText(fn.node.getSourceFile());
  };
}
