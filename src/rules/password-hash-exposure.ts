import { ts } from '#typescript';
import { defineRule } from './define-rule.js';
import { responseExposureJudge } from './utils/response-exposure.js';

export default defineRule({
  meta: {
    id: 'password-hash-exposure',
    title: 'Response sends a password hash or reset token',
    severity: 'high',
    confidence: 'medium',
    controls: {
      soc2: ['CC6.1', 'C1.1'],
      owaspApi: ['API3:2023'],
      cwe: ['CWE-200', 'CWE-213'],
      pciDss: ['8.3.2'],
      hipaa: ['164.312(a)(1)'],
      gdpr: ['Art. 32(1)(b)'],
    },
    docs: {
      description:
        'Finds responses (res.json/send, reply.send, ctx.body, c.json, NextResponse.json, NestJS controller returns) that send a password, password hash, password-reset token or API-key hash: whole Prisma, TypeORM, Sequelize or Mongoose records that still carry such a field, or the field named in the response itself.',
      remediation:
        'Never return password material: select only the fields the client needs or map the record to a response DTO, mark the columns select: false or @Exclude(), and send reset tokens by email only.',
    },
  },
  analyses: [],
  create(ctx) {
    const judge = responseExposureJudge(ctx);
    const report = (node: ts.Node, file: Parameters<NonNullable<typeof judge>>[1]): void => {
      const exposure = judge?.(node, file);
      if (!exposure || exposure.kind !== 'password-hash') return;
      ctx.report({ file: file.path, start: exposure.at.getStart(file.sourceFile), end: exposure.at.getEnd(), message: exposure.message });
    };
    // The three shapes of a response: res.json(x), ctx.body = x, a Nest route's return.
    return { nodes: { [ts.SyntaxKind.CallExpression]: report, [ts.SyntaxKind.BinaryExpression]: report, [ts.SyntaxKind.ReturnStatement]: report } };
  },
});
