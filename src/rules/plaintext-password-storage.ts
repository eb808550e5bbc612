import { ts } from '#typescript';
import type { TaintedCall } from '../engine/dataflow/engine.js';
import type { Taint, ValueOrigin } from '../engine/dataflow/taint.js';
import { classifyCall, kyselyValuesWrite } from '../engine/ast/data-access.js';
import { nodePosition, propertyNameText, skipOuterExpressions } from '../engine/ast/syntax.js';
import { localInitializer } from '../engine/names/index.js';
import type { RuleContext } from '../engine/rule-api.js';
import { PASSWORD_HASHING_HOOK, PASSWORD_HASHING_LIBRARY } from '../models/crypto.js';
import { defineRule } from './define-rule.js';
import { isPasswordName } from './utils/password-names.js';
import { routeLabel, routeOfSink, sinkSpan, sinkTrace } from './utils/tainted-sink.js';

/** Names that hold a password's hash or its encrypted form, not the password: a value written there raw is another rule's business. */
const DERIVED_NAME = /hash|digest|encrypt|cipher|salt|crypt/i;
/** Records of people who sign in: a password stored raw there is every account's credential. */
const ACCOUNT_MODEL = /^(?:users?|accounts?|members?|customers?|admins?|employees?|profiles?|credentials?|logins?|people|persons?)$/i;

export default defineRule({
  meta: {
    id: 'plaintext-password-storage',
    title: 'Password stored as the client sent it',
    severity: 'critical',
    confidence: 'high',
    controls: {
      soc2: ['CC6.1'],
      owaspApi: [],
      cwe: ['CWE-256', 'CWE-312'],
      pciDss: ['8.3.2'],
      hipaa: ['164.312(d)'],
      gdpr: ['Art. 32(1)(a)'],
    },
    docs: {
      description:
        'Finds a password from the request written to a database record as the client sent it (Prisma, TypeORM, Sequelize, Mongoose, MongoDB, Knex, Drizzle create/insert/update), with no hash on the way and no model hook that hashes passwords before they are saved.',
      remediation:
        'Hash the password with argon2id, scrypt or bcrypt (cost 10 or more) before it is stored, in the handler or in a model hook (Mongoose pre("save"), Sequelize beforeCreate, TypeORM @BeforeInsert), and never store or log the plain text.',
    },
  },
  analyses: ['dataflow'],
  check(ctx) {
    // A model hook that hashes passwords before they are saved (`userSchema.pre('save', ...)` with bcrypt):
    // writes then hand the hook a plain password on purpose.
    const hooks = ctx.sourceFiles.filter((file) => PASSWORD_HASHING_HOOK.test(file.text) && PASSWORD_HASHING_LIBRARY.test(file.text));
    // The hook that covers a model is in a file that names it (`userSchema.pre('save')`, `@Entity() class User`).
    const hookFor = (model: string | undefined) => {
      if (!model) return hooks[0];
      const stem = model.replace(/(?:e?s)$/i, '').replace(/[^\w$]/g, '');
      const named = new RegExp(`\\b${stem}(?:e?s)?\\b`, 'i');
      return hooks.find((file) => named.test(file.text));
    };
    ctx.forEachIsolated(
      ctx.dataflow.taintedCalls(),
      (tainted) => tainted.file.path,
      (tainted) => {
        if (!ts.isCallExpression(tainted.call)) return;
        // A Kysely chain writes at its terminal; its `values(row)` / `set(changes)` link holds the record.
        const access = classifyCall(tainted.call, tainted.file, [], ctx.modules) ?? kyselyValuesWrite(tainted.call, tainted.file, ctx.modules);
        if (!access || access.operation !== 'write') return;
        for (const argument of tainted.call.arguments) {
          const stored = storedPassword(tainted, argument);
          if (!stored) continue;
          const examined = { subject: 'password written to a record', name: `${stored.field} in ${routeLabel(tainted)}`, file: tainted.file.path, line: nodePosition(tainted.call).line };
          const hook = hookFor(access.model);
          if (hook) {
            ctx.examined({ ...examined, outcome: 'exempt', exemption: 'hashed by a model hook', evidence: `a model hook hashes passwords before they are saved (${hook.path})` });
            return;
          }
          ctx.examined({ ...examined, outcome: 'finding', evidence: `${stored.taint.source.label} reaches ${stored.field} unhashed` });
          report(ctx, tainted, access.model, stored.field, stored.taint);
          return;
        }
      },
    );
  },
});

/** The password-named field of a written object whose value is the request's text, unhashed. */
function storedPassword(tainted: TaintedCall, argument: ts.Expression, depth = 0): { field: string; taint: Taint } | undefined {
  let value = skipOuterExpressions(argument);
  if (ts.isIdentifier(value)) value = localInitializer(value) ?? value;
  if (depth > 2) return undefined;
  // A record the function was given (`values(entity)` in `insertAccount(entity)`): its members as the caller built them.
  if (!ts.isObjectLiteralExpression(value)) return depth === 0 ? passedPassword(tainted.originOf(value)) : undefined;
  for (const property of value.properties) {
    const name = property.name && propertyNameText(property.name);
    if (!name) continue;
    const written = ts.isPropertyAssignment(property) ? property.initializer : ts.isShorthandPropertyAssignment(property) ? property.name : undefined;
    if (!written) continue;
    // `data: { ... }`, `values: { ... }`, `$set: { ... }`: the record is one level down.
    const nested = ts.isObjectLiteralExpression(skipOuterExpressions(written)) ? storedPassword(tainted, written, depth + 1) : undefined;
    if (nested) return nested;
    if (!isPasswordName(name) || DERIVED_NAME.test(name)) continue;
    const origin = tainted.originOf(written);
    // Only the request's own text: a hash call, a project helper or a constant gives something else.
    if (origin.kind === 'tainted' && !origin.taint.requestObject) return { field: name, taint: origin.taint };
    // Checked against a schema (`SignUp.parse(req.body).password`): validated, still the text the client typed.
    if (origin.kind === 'sanitized' && origin.identity && /^validated by /.test(origin.how) && !origin.identity.requestObject) return { field: name, taint: origin.identity };
  }
  return undefined;
}

/** The password-named member of an object the dataflow knows member by member, holding the request's own text. */
function passedPassword(origin: ValueOrigin): { field: string; taint: Taint } | undefined {
  if (origin.kind !== 'tainted' || !origin.fields) return undefined;
  for (const [name, member] of Object.entries(origin.fields)) {
    if (!isPasswordName(name) || DERIVED_NAME.test(name)) continue;
    if (member.kind === 'tainted' && !member.taint.requestObject) return { field: name, taint: member.taint };
    if (member.kind === 'sanitized' && member.identity && /^validated by /.test(member.how) && !member.identity.requestObject) return { field: name, taint: member.identity };
  }
  return undefined;
}

function report(ctx: RuleContext, tainted: TaintedCall, model: string | undefined, field: string, taint: Taint): void {
  // An account's own password is every user's credential; another record's (an integration's SMTP
  // password) is a secret the app must read back: stored raw it still leaks, but the fix is encryption.
  const account = model !== undefined && ACCOUNT_MODEL.test(model);
  const record = model ? `the ${model} record's ${field}` : `the record's ${field}`;
  ctx.report({
    file: tainted.file.path,
    ...sinkSpan(tainted),
    message: `Request input ${taint.source.label} is stored as ${record} in ${routeLabel(tainted)} as the client sent it: no hash on the way and no model hook that hashes passwords, so anyone who reads the database or a backup has ${account ? 'every password' : 'the password'} in plain text. ${account ? 'Hash it with argon2id, scrypt or bcrypt first' : 'Hash it, or encrypt it if the app must read it back'}.`,
    trace: sinkTrace(tainted, taint, `stored unhashed as ${field}`),
    ...(account ? {} : { severity: 'high' as const }),
    ...routeOfSink(tainted, account ? undefined : 'medium'),
  });
}
