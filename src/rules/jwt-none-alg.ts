import { ts } from '#typescript';
import type { RuleContext } from '../engine/rule-api.js';
import type { ScannedSourceFile } from '../types.js';
import { JOSE, JWT_OPTIONS } from '../models/jwt.js';
import { defineRule } from './define-rule.js';
import { factoryOptions, isJoseUnsecured, jwtCallOf, jwtConfigurationOf, optionAt, optionAtAny, optionsObject, stringElements, stringValue, type OptionLookup, JWT_SIGNATURE_CONTROLS } from './utils/jwt-calls.js';

const NONE = JWT_OPTIONS.noneAlgorithm;

export default defineRule({
  meta: {
    id: 'jwt-none-alg',
    title: "JWT verification or signing allows the 'none' algorithm",
    severity: 'critical',
    confidence: 'high',
    controls: JWT_SIGNATURE_CONTROLS,
    docs: {
      description: "Finds JWT verifiers configured to accept unsigned tokens (`algorithms` listing 'none' in jsonwebtoken, @nestjs/jwt, passport-jwt, express-jwt, koa-jwt, @fastify/jwt, fast-jwt) and tokens signed with `algorithm: 'none'` or jose's UnsecuredJWT.",
      remediation: "Remove 'none': list only the algorithm your tokens are signed with (`algorithms: ['RS256']`) and sign every token with a key.",
    },
  },
  analyses: [],
  create(ctx) {
    const handler = (node: ts.Node, file: ScannedSourceFile) => {
      if (file.path.endsWith('.d.ts')) return;
      checkNode(ctx, file, node as ts.CallExpression | ts.NewExpression);
    };
    return {
      // Cheap prefilter: every form we report spells the algorithm or the unsecured class.
      enterSourceFile: (file) => file.text.includes(NONE) || file.text.includes(JOSE.unsecuredClass),
      nodes: { [ts.SyntaxKind.CallExpression]: handler, [ts.SyntaxKind.NewExpression]: handler },
    };
  },
});

function checkNode(ctx: RuleContext, file: ScannedSourceFile, node: ts.CallExpression | ts.NewExpression): void {
  if (ts.isNewExpression(node) && isJoseUnsecured(ctx, file, node.expression)) {
    report(ctx, file, node, "jose `new UnsecuredJWT()` issues a token with `alg: 'none'` and no signature: anyone can write one with any claims.");
    return;
  }
  if (ts.isCallExpression(node)) {
    const unsecured = isJoseUnsecured(ctx, file, node.expression);
    if (unsecured && unsecured.members[1] === JOSE.unsecuredDecode) {
      report(ctx, file, node, "jose `UnsecuredJWT.decode()` accepts only tokens with `alg: 'none'` and no signature: its claims prove nothing about who sent them.");
      return;
    }
    const jwtCall = jwtCallOf(ctx, file, node);
    if (jwtCall?.fn.options !== undefined) {
      const options = node.arguments[jwtCall.fn.options];
      const label = `${jwtCall.fn.package} ${jwtCall.fn.members.at(-1)}()`;
      // jose's jwtVerify supports no 'none' and refuses such tokens whatever `algorithms` says.
      if (jwtCall.fn.operation === 'verify' && jwtCall.fn.package !== JOSE.package) checkAlgorithms(ctx, file, optionAt(options, [JWT_OPTIONS.verifyAlgorithms]), label);
      if (jwtCall.fn.operation === 'sign') checkSignAlgorithm(ctx, file, optionAt(options, [JWT_OPTIONS.signAlgorithm]), label);
      return;
    }
  }
  const configuration = jwtConfigurationOf(ctx, file, node);
  if (!configuration) return;
  const label = configuration.configuration.label;
  // Nest `registerAsync({ useFactory: () => ({...}) })`: the options are what the factory returns.
  const object = optionsObject(configuration.options);
  const options = object ? (factoryOptions(object) ?? configuration.options) : configuration.options;
  checkAlgorithms(ctx, file, optionAtAny(options, configuration.configuration.verifyAlgorithms), label);
  checkSignAlgorithm(ctx, file, optionAtAny(options, configuration.configuration.signAlgorithm), label);
}

function checkAlgorithms(ctx: RuleContext, file: ScannedSourceFile, lookup: OptionLookup, label: string): void {
  if (lookup.kind !== 'present') return;
  const algorithms = stringElements(lookup.value);
  const none = algorithms?.find((algorithm) => algorithm.text === NONE);
  if (!none) return;
  const others = algorithms!.filter((algorithm) => algorithm !== none).map((algorithm) => algorithm.text);
  report(
    ctx,
    file,
    lookup.property,
    `\`algorithms\` of the ${label} lists '${NONE}'${others.length > 0 ? ` beside ${others.join(', ')}` : ''}: a token with no signature is accepted whenever the key given is empty (an unset environment variable, a key lookup that finds nothing), so anyone can write a token with any claims.`,
  );
}

function checkSignAlgorithm(ctx: RuleContext, file: ScannedSourceFile, lookup: OptionLookup, label: string): void {
  if (lookup.kind !== 'present' || stringValue(lookup.value) !== NONE) return;
  report(ctx, file, lookup.property, `\`algorithm: '${NONE}'\` in the ${label} issues tokens with no signature: the verifier that accepts them accepts a token anyone can write.`);
}

function report(ctx: RuleContext, file: ScannedSourceFile, node: ts.Node, message: string): void {
  ctx.report({ file: file.path, start: node.getStart(file.sourceFile), end: node.getEnd(), message });
}
