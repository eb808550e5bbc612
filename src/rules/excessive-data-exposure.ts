import { ts } from '#typescript';
import { defineRule } from './define-rule.js';
import { responseExposureJudge } from './utils/response-exposure.js';

export default defineRule({
  meta: {
    id: 'excessive-data-exposure',
    title: 'Response sends whole records with credential fields',
    severity: 'high',
    confidence: 'medium',
    controls: {
      soc2: ['CC6.1', 'C1.1'],
      owaspApi: ['API3:2023'],
      cwe: ['CWE-213', 'CWE-200'],
      pciDss: ['8.3.2'],
      hipaa: ['164.312(a)(1)'],
      gdpr: ['Art. 32(1)(b)'],
    },
    docs: {
      description:
        'Finds responses (res.json/send, reply.send, ctx.body, c.json, NextResponse.json, NestJS controller returns) that send whole Prisma, TypeORM, Sequelize or Mongoose records whose model has token, API key, MFA or other secret fields, with no select, omit, exclude, DTO mapping or toJSON that removes them. Records with password hashes or reset tokens are password-hash-exposure\'s.',
      remediation:
        'Select only the fields the client needs (Prisma select/omit, TypeORM select, Sequelize attributes, Mongoose projection) or map the record to a response DTO; mark secret columns select: false or @Exclude().',
    },
  },
  analyses: [],
  create(ctx) {
    const judge = responseExposureJudge(ctx);
    const report = (node: ts.Node, file: Parameters<NonNullable<typeof judge>>[1]): void => {
      const exposure = judge?.(node, file);
      // Responses with password material are password-hash-exposure's: the two never report one response twice.
      if (!exposure || exposure.kind !== 'secret') return;
      ctx.report({ file: file.path, start: exposure.at.getStart(file.sourceFile), end: exposure.at.getEnd(), message: exposure.message });
    };
    // The three shapes of a response: res.json(x), ctx.body = x, a Nest route's return.
    return { nodes: { [ts.SyntaxKind.CallExpression]: report, [ts.SyntaxKind.BinaryExpression]: report, [ts.SyntaxKind.ReturnStatement]: report } };
  },
});
