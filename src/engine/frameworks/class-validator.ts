import { ts } from '#typescript';
import type { ScannedSourceFile } from '../../types.js';
import { nodePosition, propertyNameText, skipOuterExpressions } from '../ast/syntax.js';
import type { ModuleIndex } from '../names/index.js';
import { guardClassOf, type GuardClass } from '../routes/classify-middleware.js';
import type { RouteMiddleware, ValidatedField } from '../routes/route.js';
import type { InputBagKind } from '../../models/request-sources.js';
import { CLASS_VALIDATOR_RESTRICTING_DECORATORS } from '../../models/sanitizers.js';
import { isRestrictedPattern } from './fastify/route-schema.js';
import { decoratorOrigin } from './nestjs/decorators.js';

const RESTRICTING = new Set(CLASS_VALIDATOR_RESTRICTING_DECORATORS);
const MAX_DTO_BASES = 5;

/**
 * The fields of a class-validator DTO (and the classes it extends) that validation leaves no free
 * text: a decorator that admits only numbers, booleans, dates, UUIDs or listed values (`@IsUUID()`,
 * `@IsIn([...])`), or `@Matches(/^[a-z0-9_-]+$/)` with an anchored pattern of letters, digits, `_`
 * and `-` (no dot or slash: never a path step, SQL or a command). Read for whichever framework runs
 * class-validator on the DTO before the handler (routing-controllers, a NestJS ValidationPipe).
 */
export function classValidatorRestrictedFields(modules: ModuleIndex, file: ScannedSourceFile, typeName: ts.EntityName | ts.Expression, part: InputBagKind): ValidatedField[] {
  const dto = ts.isIdentifier(typeName) ? guardClassOf(modules, file, typeName) : undefined;
  const fields: ValidatedField[] = [];
  const seen = new Set<string>();
  let current: GuardClass | undefined = dto;
  for (let depth = 0; current && depth < MAX_DTO_BASES; depth++) {
    for (const member of current.node.members) {
      const name = ts.isPropertyDeclaration(member) && propertyNameText(member.name);
      if (!name || seen.has(name)) continue;
      seen.add(name);
      const restricted = restrictingDecorator(modules, current.file, member);
      if (restricted) fields.push({ part, field: name, restricted, scalar: true });
    }
    const base: ts.Expression | undefined = current.node.heritageClauses?.find((clause) => clause.token === ts.SyntaxKind.ExtendsKeyword)?.types[0]?.expression;
    current = base ? guardClassOf(modules, current.file, base) : undefined;
  }
  return fields;
}

function restrictingDecorator(modules: ModuleIndex, file: ScannedSourceFile, member: ts.PropertyDeclaration): string | undefined {
  for (const decorator of ts.getDecorators(member) ?? []) {
    const origin = decoratorOrigin(modules, file, decorator);
    if (origin?.module !== 'class-validator') continue;
    if (RESTRICTING.has(origin.name)) return `@${origin.name}`;
    // `@Matches('^[a-zA-Z0-9_-]*$')` or `@Matches(/^[a-z0-9-]+$/)`; a flag (`/i`) keeps the alphabet.
    const pattern = origin.name === 'Matches' && origin.call?.arguments[0] ? skipOuterExpressions(origin.call.arguments[0]) : undefined;
    const source = pattern && ts.isStringLiteralLike(pattern) ? pattern.text : pattern && ts.isRegularExpressionLiteral(pattern) ? pattern.text.slice(1, pattern.text.lastIndexOf('/')) : undefined;
    if (source !== undefined && isRestrictedPattern(source)) return `@Matches(${pattern!.getText()})`;
  }
  return undefined;
}

/**
 * The class-validator DTOs a handler's parameters are typed with, under a decorator that hands it a
 * whole request part (`@Body() body: CreateShareDTO`, routing-controllers' `@QueryParams() query: ListDto`):
 * with the framework's validation on, a value the DTO's decorators do not admit is answered 400 before
 * the handler runs. One app-wide validation step per DTO, with the fields it leaves no free text (the
 * framework validates; its field list closes nothing). `partOf` names the part a decorator of the
 * framework's package hands over; `@Body('name')` names one field and is left out.
 */
export function classValidatorDtoSteps(modules: ModuleIndex, file: ScannedSourceFile, method: ts.MethodDeclaration, partOf: (origin: { module?: string; name: string }) => InputBagKind | undefined, validator: string): RouteMiddleware[] {
  const steps: RouteMiddleware[] = [];
  for (const parameter of method.parameters) {
    const type = parameter.type;
    if (!type || !ts.isTypeReferenceNode(type) || !ts.isIdentifier(type.typeName)) continue;
    for (const decorator of ts.getDecorators(parameter) ?? []) {
      const origin = decoratorOrigin(modules, file, decorator);
      const part = origin ? partOf(origin) : undefined;
      if (!part || (origin!.call?.arguments[0] && ts.isStringLiteralLike(skipOuterExpressions(origin!.call.arguments[0])))) continue;
      const fields = classValidatorRestrictedFields(modules, file, type.typeName, part);
      if (fields.length === 0) continue;
      steps.push({
        name: `class-validator ${type.typeName.text}`,
        kind: 'validation',
        strength: 'strong',
        evidence: `${validator} validates ${type.typeName.text} with class-validator before the handler runs`,
        scope: 'global',
        file: file.path,
        line: nodePosition(parameter).line,
        validatedFields: fields,
      });
    }
  }
  return steps;
}
