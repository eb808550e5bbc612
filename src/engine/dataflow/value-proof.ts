import { ts } from '#typescript';
import type { ScannedSourceFile } from '../../types.js';
import { localConstInitializer, type ModuleIndex, requiredModule, resolveFunction } from '../names/index.js';
import { propertyNameText, skipOuterExpressions } from '../ast/syntax.js';
import { NUMERIC_GLOBALS } from '../../models/sanitizers.js';

/**
 * Why a value can only be text the code itself wrote: a constant (literals, enums, `as const`
 * objects, constant arrays joined, conditionals between constants), a number (numeric
 * conversions, arithmetic, `.length`, declarations typed `number`), or a composition of those
 * (placeholders such as `$${i + 1}` or `'$' + n`), or the deployment's own settings (`process.env`,
 * parsed with `new URL(...)` and methods called on them). Found without a type checker, following values
 * across local variables, module constants and imports.
 */
export interface ValueProof {
  kind: 'constant' | 'number' | 'trusted';
  how: string;
  /**
   * Read from the deployment's configuration (`process.env.DATABASE_URL`) or parsed out of it
   * (`new URL(process.env.DATABASE_URL).searchParams.get('schema')`): set by whoever runs the
   * service, not by its clients. Trusted kind.
   */
  configuration?: true;
}

/** A library-specific leaf a caller vouches for (an escaping function), or undefined. */
export type TrustedLeaf = (expression: ts.Expression, file: ScannedSourceFile) => string | undefined;

const MAX_DEPTH = 14;
const NUMERIC_TYPE = /^(?:number|bigint|boolean|\d+(?:\s*\|\s*\d+)*)$/;
// Methods whose result has a fixed alphabet whatever they are called on.
const FIXED_FORMAT_METHODS = new Set(['toFixed', 'toPrecision', 'toExponential', 'toISOString', 'toUTCString', 'getTime', 'indexOf', 'lastIndexOf', 'includes', 'startsWith', 'endsWith', 'test', 'has', 'some', 'every', 'findIndex', 'localeCompare', 'getFullYear', 'getMonth', 'getDate', 'getHours', 'getMinutes', 'getSeconds', 'getDay']);
// Methods that only cut, re-case or re-join what they are called on: proven in, proven out.
const PRESERVING_METHODS = new Set(['toString', 'trim', 'trimStart', 'trimEnd', 'toLowerCase', 'toUpperCase', 'slice', 'substring', 'substr', 'padStart', 'padEnd', 'repeat', 'concat', 'replace', 'replaceAll', 'join', 'map', 'filter', 'slice', 'flat', 'flatMap', 'fill', 'reverse', 'sort', 'at', 'find', 'keys', 'values']);

type Environment = ReadonlyMap<ts.Node, ValueProof>;

/** Global constructors that parse a setting into parts (`new URL(process.env.DATABASE_URL)`). */
const CONFIGURATION_PARSERS: ReadonlySet<string> = new Set(['URL', 'URLSearchParams']);

export class ValueProver {
  private readonly memo = new Map<ts.Node, ValueProof | null>();
  private readonly active = new Set<ts.Node>();

  constructor(
    private readonly modules: ModuleIndex,
    private readonly trusted: TrustedLeaf = () => undefined,
  ) {}

  /** Why `expression` (in `file`) is proven to be text the code wrote, or undefined. */
  prove(expression: ts.Expression, file: ScannedSourceFile): ValueProof | undefined {
    return this.value(expression, file, new Map(), 0);
  }

  private value(expression: ts.Expression, file: ScannedSourceFile, environment: Environment, depth: number): ValueProof | undefined {
    if (depth > MAX_DEPTH) return undefined;
    const node = skipOuterExpressions(expression);
    const memoizable = environment.size === 0;
    if (memoizable) {
      const known = this.memo.get(node);
      if (known !== undefined) return known ?? undefined;
      if (this.active.has(node)) return undefined;
      this.active.add(node);
    }
    const proof = this.valueUncached(node, file, environment, depth);
    if (memoizable) {
      this.active.delete(node);
      this.memo.set(node, proof ?? null);
    }
    return proof;
  }

  private valueUncached(node: ts.Expression, file: ScannedSourceFile, environment: Environment, depth: number): ValueProof | undefined {
    const trusted = this.trusted(node, file);
    if (trusted) return { kind: 'trusted', how: trusted };
    if (ts.isStringLiteralLike(node) || node.kind === ts.SyntaxKind.NullKeyword || node.kind === ts.SyntaxKind.RegularExpressionLiteral) return { kind: 'constant', how: 'a literal' };
    if (ts.isNumericLiteral(node) || ts.isBigIntLiteral(node) || node.kind === ts.SyntaxKind.TrueKeyword || node.kind === ts.SyntaxKind.FalseKeyword) return { kind: 'number', how: 'a literal' };
    if (ts.isTemplateExpression(node)) return this.all(node.templateSpans.map((span) => span.expression), file, environment, depth, 'built from constants and numbers');
    if (ts.isPrefixUnaryExpression(node) || ts.isPostfixUnaryExpression(node) || ts.isTypeOfExpression(node) || ts.isVoidExpression(node) || ts.isDeleteExpression(node)) return { kind: 'number', how: 'a number or boolean' };
    if (ts.isBinaryExpression(node)) return this.binary(node, file, environment, depth);
    if (ts.isConditionalExpression(node)) return this.all([node.whenTrue, node.whenFalse], file, environment, depth, 'a choice between proven values');
    if (ts.isArrayLiteralExpression(node)) {
      return this.all(node.elements.map((element) => (ts.isSpreadElement(element) ? element.expression : element)), file, environment, depth, 'an array of proven values', true);
    }
    if (ts.isObjectLiteralExpression(node)) {
      const values: ts.Expression[] = [];
      for (const property of node.properties) {
        if (ts.isPropertyAssignment(property)) values.push(property.initializer);
        else if (ts.isShorthandPropertyAssignment(property)) values.push(property.name);
        else if (ts.isSpreadAssignment(property)) values.push(property.expression);
        else return undefined;
      }
      return this.all(values, file, environment, depth, 'an object of proven values', true);
    }
    if (ts.isIdentifier(node)) return this.identifier(node, file, environment, depth);
    if (ts.isPropertyAccessExpression(node) || ts.isElementAccessExpression(node)) return this.member(node, file, environment, depth);
    if (ts.isCallExpression(node) || ts.isNewExpression(node)) return this.call(node, file, environment, depth);
    return undefined;
  }

  private all(expressions: readonly ts.Expression[], file: ScannedSourceFile, environment: Environment, depth: number, how: string, allowEmpty = false): ValueProof | undefined {
    if (expressions.length === 0) return allowEmpty ? { kind: 'constant', how } : { kind: 'constant', how: 'a literal' };
    let numeric = true;
    for (const expression of expressions) {
      const proof = this.value(expression, file, environment, depth + 1);
      if (!proof) return undefined;
      if (proof.kind !== 'number') numeric = false;
    }
    return { kind: numeric ? 'number' : 'constant', how };
  }

  private binary(node: ts.BinaryExpression, file: ScannedSourceFile, environment: Environment, depth: number): ValueProof | undefined {
    const operator = node.operatorToken.kind;
    if (operator === ts.SyntaxKind.PlusToken) return this.all([node.left, node.right], file, environment, depth, 'built from constants and numbers');
    if (operator === ts.SyntaxKind.BarBarToken || operator === ts.SyntaxKind.QuestionQuestionToken || operator === ts.SyntaxKind.AmpersandAmpersandToken) {
      return this.all([node.left, node.right], file, environment, depth, 'a choice between proven values');
    }
    if (operator === ts.SyntaxKind.CommaToken || (operator >= ts.SyntaxKind.FirstAssignment && operator <= ts.SyntaxKind.LastAssignment)) return undefined;
    // Arithmetic, comparison, `in`, `instanceof`: a number or a boolean whatever the operands.
    return { kind: 'number', how: 'arithmetic or a comparison' };
  }

  private identifier(node: ts.Identifier, file: ScannedSourceFile, environment: Environment, depth: number): ValueProof | undefined {
    if (node.text === 'undefined' || node.text === 'NaN' || node.text === 'Infinity') return { kind: 'constant', how: 'a literal' };
    const local = localBinding(node);
    if (local) return this.declaration(local, file, environment, depth);
    const binding = this.modules.resolveName(file, node.text);
    if (binding?.kind !== 'declaration') return undefined;
    const declared = binding.node;
    if (ts.isEnumDeclaration(declared)) return { kind: 'constant', how: `enum ${declared.name.text}` };
    if (ts.isVariableDeclaration(declared)) return this.declaration(declared, binding.file, environment, depth);
    if (ts.isExpression(declared)) return this.value(declared, binding.file, environment, depth + 1);
    return undefined;
  }

  /** A variable, parameter or destructured element: its declared type, its value, and (for `let`) every later assignment. */
  private declaration(declaration: ts.VariableDeclaration | ts.ParameterDeclaration | ts.BindingElement, file: ScannedSourceFile, environment: Environment, depth: number): ValueProof | undefined {
    const bound = environment.get(declaration);
    if (bound) return bound;
    if (!ts.isBindingElement(declaration) && declaration.type && NUMERIC_TYPE.test(declaration.type.getText(declaration.getSourceFile()).trim())) {
      return { kind: 'number', how: `declared ${declaration.type.getText(declaration.getSourceFile())}` };
    }
    // `offset = 0` without a type: TypeScript infers number from the default.
    if (ts.isParameter(declaration)) {
      const initial = !declaration.type && declaration.initializer ? this.value(declaration.initializer, file, environment, depth + 1) : undefined;
      return initial?.kind === 'number' ? { kind: 'number', how: 'a parameter defaulting to a number' } : undefined;
    }
    if (ts.isBindingElement(declaration)) return this.bindingElement(declaration, file, environment, depth);
    // `for (const column of COLUMNS)`: every element of a proven collection.
    const loop = declaration.parent?.parent;
    if (loop && (ts.isForOfStatement(loop) || ts.isForInStatement(loop)) && loop.initializer === declaration.parent) {
      if (ts.isForInStatement(loop)) return this.value(loop.expression, file, environment, depth + 1) ? { kind: 'constant', how: 'a key of a proven object' } : undefined;
      return this.value(loop.expression, file, environment, depth + 1);
    }
    if (!declaration.initializer) return undefined;
    const initial = this.value(declaration.initializer, file, environment, depth + 1);
    if (!initial) return undefined;
    // An array or object filled in later (`values.push(...)`, `where.status = ...`): what goes in counts too.
    const literal = skipOuterExpressions(declaration.initializer);
    if ((ts.isArrayLiteralExpression(literal) || ts.isObjectLiteralExpression(literal)) && ts.isIdentifier(declaration.name)) {
      const written = writesInto(declaration.name.text, declaration);
      if (!written.every((value) => this.value(value, file, environment, depth + 1))) return undefined;
    }
    if (ts.getCombinedNodeFlags(declaration) & ts.NodeFlags.Const) return initial;
    // `let`: every assignment in its scope must be proven too (`sql += ...` is judged by the caller).
    const scope = declaration.parent?.parent?.parent;
    if (!scope || !ts.isIdentifier(declaration.name)) return undefined;
    const name = declaration.name.text;
    let proven = true;
    const visit = (child: ts.Node): void => {
      if (!proven) return;
      if (ts.isBinaryExpression(child) && child.operatorToken.kind >= ts.SyntaxKind.FirstAssignment && child.operatorToken.kind <= ts.SyntaxKind.LastAssignment) {
        const target = skipOuterExpressions(child.left);
        if (ts.isIdentifier(target) && target.text === name && !this.value(child.right, file, environment, depth + 1)) {
          const arithmetic = child.operatorToken.kind !== ts.SyntaxKind.EqualsToken && child.operatorToken.kind !== ts.SyntaxKind.PlusEqualsToken;
          if (!arithmetic) proven = false;
        }
      }
      ts.forEachChild(child, visit);
    };
    visit(scope);
    return proven ? initial : undefined;
  }

  /** `const { limit } = CONFIG`, `const [first] = COLUMNS`: a part of a proven value. */
  private bindingElement(element: ts.BindingElement, file: ScannedSourceFile, environment: Environment, depth: number): ValueProof | undefined {
    let root: ts.Node = element;
    while (ts.isBindingElement(root) || ts.isObjectBindingPattern(root) || ts.isArrayBindingPattern(root)) root = root.parent;
    // `Object.entries({ name, color }).forEach(([key, value]) => ...)`, `for (const [key] of Object.entries(...))`:
    // the key of an entry of a literal is one of the names written in it.
    if (ts.isArrayBindingPattern(element.parent) && element.parent.elements[0] === element && element.parent.parent === root && entriesOfStaticLiteral(root)) {
      return { kind: 'constant', how: 'a key of an object literal (Object.entries)' };
    }
    if (ts.isParameter(root)) {
      // `({ limit }: { limit: number })`: the declared type of the member.
      const key = element.propertyName ? propertyNameText(element.propertyName) : ts.isIdentifier(element.name) ? element.name.text : undefined;
      const type = key && root.type ? this.memberType(root.type, key, file) : undefined;
      return type;
    }
    if (!ts.isVariableDeclaration(root) || !root.initializer) return undefined;
    if (!(ts.getCombinedNodeFlags(root) & ts.NodeFlags.Const)) return undefined;
    return this.value(root.initializer, file, environment, depth + 1);
  }

  private member(node: ts.PropertyAccessExpression | ts.ElementAccessExpression, file: ScannedSourceFile, environment: Environment, depth: number): ValueProof | undefined {
    const name = ts.isPropertyAccessExpression(node) ? node.name.text : ts.isStringLiteralLike(node.argumentExpression) ? node.argumentExpression.text : undefined;
    if (name === 'length') return { kind: 'number', how: '.length (a number)' };
    const owner = skipOuterExpressions(node.expression);
    // `process.env.DB_SCHEMA`, `process.env['TABLE_PREFIX']`: the deployment's own settings.
    if (name === 'env' && ts.isIdentifier(owner) && owner.text === 'process' && !localBinding(owner) && !this.modules.resolveName(file, owner.text)) {
      return { kind: 'trusted', how: 'deployment configuration (process.env)', configuration: true };
    }
    // `Math.PI`, `Number.MAX_SAFE_INTEGER`.
    if (ts.isIdentifier(owner) && (owner.text === 'Math' || owner.text === 'Number') && !this.modules.resolveName(file, owner.text) && !localBinding(owner)) return { kind: 'number', how: `${owner.text}.${name}` };
    // `this.pageSize` declared `number`, `readonly TABLE = 'orders'`.
    if (owner.kind === ts.SyntaxKind.ThisKeyword && name !== undefined) return this.classMember(node, name, file, environment, depth);
    // A member of a value whose declared type says the member is a number: `options.limit` with `options: { limit: number }`.
    if (ts.isIdentifier(owner) && name !== undefined) {
      const typed = this.declaredMemberType(owner, name, file);
      if (typed) return typed;
    }
    // `Tables.USERS` with `static USERS = 'users'` in a class of the project.
    if (ts.isIdentifier(owner) && name !== undefined && !localBinding(owner)) {
      const binding = this.modules.resolveName(file, owner.text);
      if (binding?.kind === 'declaration' && ts.isClassDeclaration(binding.node)) {
        const member = binding.node.members.find((candidate) => ts.isPropertyDeclaration(candidate) && propertyNameText(candidate.name) === name && candidate.modifiers?.some((modifier) => modifier.kind === ts.SyntaxKind.StaticKeyword));
        const initializer = member && ts.isPropertyDeclaration(member) ? member.initializer : undefined;
        return initializer ? this.value(initializer, binding.file, environment, depth + 1) : undefined;
      }
    }
    // A member of a proven object, array or enum (`COLUMNS[sort]` picks one of the constants).
    const base = this.value(owner, file, environment, depth + 1);
    // `process.env[name]`: the setting the code names, not one the caller picks.
    if (base?.configuration) return ts.isElementAccessExpression(node) && !this.value(node.argumentExpression, file, environment, depth + 1) ? undefined : base;
    if (base) return { kind: base.kind, how: `a member of ${base.how === 'a literal' ? 'a constant' : base.how}` };
    return undefined;
  }

  private classMember(node: ts.Node, name: string, file: ScannedSourceFile, environment: Environment, depth: number): ValueProof | undefined {
    let classNode: ts.Node | undefined = node.parent;
    while (classNode && !ts.isClassLike(classNode)) classNode = classNode.parent;
    if (!classNode || !ts.isClassLike(classNode)) return undefined;
    for (const member of classNode.members) {
      if (!ts.isPropertyDeclaration(member) || propertyNameText(member.name) !== name) continue;
      if (member.type && NUMERIC_TYPE.test(member.type.getText(member.getSourceFile()).trim())) return { kind: 'number', how: `declared ${member.type.getText(member.getSourceFile())}` };
      const readonly = member.modifiers?.some((modifier) => modifier.kind === ts.SyntaxKind.ReadonlyKeyword);
      if (readonly) return member.initializer ? this.value(member.initializer, file, environment, depth + 1) : undefined;
      // A private field only this class writes: its initializer and every `this.x = ...` must be proven.
      const isPrivate = ts.isPrivateIdentifier(member.name) || member.modifiers?.some((modifier) => modifier.kind === ts.SyntaxKind.PrivateKeyword);
      if (!isPrivate) return undefined;
      const written: ts.Expression[] = member.initializer ? [member.initializer] : [];
      let opaque = false;
      const visit = (child: ts.Node): void => {
        if (ts.isBinaryExpression(child) && child.operatorToken.kind >= ts.SyntaxKind.FirstAssignment && child.operatorToken.kind <= ts.SyntaxKind.LastAssignment) {
          const target = skipOuterExpressions(child.left);
          if (ts.isPropertyAccessExpression(target) && target.expression.kind === ts.SyntaxKind.ThisKeyword && target.name.text === name) {
            if (child.operatorToken.kind === ts.SyntaxKind.EqualsToken || child.operatorToken.kind === ts.SyntaxKind.PlusEqualsToken) written.push(child.right);
          }
        }
        // `[this.x] = ...`, `({ x: this.x } = ...)`: writes we do not follow.
        if ((ts.isArrayLiteralExpression(child) || ts.isObjectLiteralExpression(child)) && ts.isBinaryExpression(child.parent) && child.parent.left === child && /\bthis\./.test(child.getText())) opaque = true;
        ts.forEachChild(child, visit);
      };
      classNode.members.forEach(visit);
      if (opaque || written.length === 0) return undefined;
      const proof = this.all(written, file, environment, depth, `a private field written only with proven values`);
      return proof;
    }
    return undefined;
  }

  private declaredMemberType(owner: ts.Identifier, name: string, file: ScannedSourceFile): ValueProof | undefined {
    const local = localBinding(owner);
    const type = local && !ts.isBindingElement(local) ? local.type : undefined;
    return type ? this.memberType(type, name, file) : undefined;
  }

  /** The member `name` of a declared type (a type literal, or an interface/type alias in the project) when it is numeric. */
  private memberType(type: ts.TypeNode, name: string, file: ScannedSourceFile, depth = 0): ValueProof | undefined {
    if (depth > 4) return undefined;
    let members: ts.NodeArray<ts.TypeElement> | undefined;
    let where = file;
    if (ts.isTypeLiteralNode(type)) members = type.members;
    else if (ts.isTypeReferenceNode(type) && ts.isIdentifier(type.typeName)) {
      const binding = this.typeDeclaration(file, type.typeName.text);
      if (!binding) return undefined;
      where = binding.file;
      if (ts.isInterfaceDeclaration(binding.node)) members = binding.node.members;
      else if (ts.isTypeAliasDeclaration(binding.node)) return this.memberType(binding.node.type, name, binding.file, depth + 1);
      else if (ts.isClassDeclaration(binding.node)) {
        for (const member of binding.node.members) {
          if (ts.isPropertyDeclaration(member) && propertyNameText(member.name) === name && member.type && NUMERIC_TYPE.test(member.type.getText(binding.file.sourceFile).trim())) {
            return { kind: 'number', how: `declared ${member.type.getText(binding.file.sourceFile)}` };
          }
        }
        return undefined;
      }
    }
    for (const member of members ?? []) {
      if (!ts.isPropertySignature(member) || !member.name || propertyNameText(member.name) !== name || !member.type) continue;
      const text = member.type.getText(where.sourceFile).trim();
      if (NUMERIC_TYPE.test(text)) return { kind: 'number', how: `declared ${text}` };
    }
    return undefined;
  }

  /**
   * An interface, type alias or class named in a type position: declared in the file, or imported
   * from a project file that declares it (ModuleIndex resolves values, not types).
   */
  private typeDeclaration(file: ScannedSourceFile, name: string, hops = 0): { file: ScannedSourceFile; node: ts.InterfaceDeclaration | ts.TypeAliasDeclaration | ts.ClassDeclaration } | undefined {
    if (hops > 3) return undefined;
    for (const statement of file.sourceFile.statements) {
      if ((ts.isInterfaceDeclaration(statement) || ts.isTypeAliasDeclaration(statement) || ts.isClassDeclaration(statement)) && statement.name?.text === name) return { file, node: statement };
      if (!ts.isImportDeclaration(statement) || !ts.isStringLiteral(statement.moduleSpecifier)) continue;
      const bindings = statement.importClause?.namedBindings;
      if (!bindings || !ts.isNamedImports(bindings)) continue;
      const element = bindings.elements.find((candidate) => candidate.name.text === name);
      if (!element) continue;
      const target = this.modules.resolveImport(file, statement.moduleSpecifier.text);
      return target ? this.typeDeclaration(target, element.propertyName?.text ?? name, hops + 1) : undefined;
    }
    return undefined;
  }

  private call(node: ts.CallExpression | ts.NewExpression, file: ScannedSourceFile, environment: Environment, depth: number): ValueProof | undefined {
    const callee = skipOuterExpressions(node.expression);
    const args = node.arguments ?? ts.factory.createNodeArray<ts.Expression>();
    // Numeric conversions and Math: `Number(x)`, `parseInt(x, 10)`, `Math.min(...)`, `Date.now()`.
    const root = ts.isIdentifier(callee) ? callee : ts.isPropertyAccessExpression(callee) && ts.isIdentifier(callee.expression) ? callee.expression : undefined;
    if (root && NUMERIC_GLOBALS.has(root.text) && !localBinding(root) && !this.modules.resolveName(file, root.text)) {
      if (root.text === 'Date' && !(ts.isPropertyAccessExpression(callee) && callee.name.text === 'now')) return undefined;
      return { kind: 'number', how: `${callee.getText(file.sourceFile)}() (a number)` };
    }
    if (ts.isIdentifier(callee) && callee.text === 'String' && !localBinding(callee) && args[0]) return this.value(args[0], file, environment, depth + 1);
    // `Array(n).fill('?')`, `new Array(n)`, `Array.from({ length: n }, (_, i) => `$${i + 1}`)`.
    if (ts.isIdentifier(callee) && callee.text === 'Array') return { kind: 'constant', how: 'an empty array' };
    if (ts.isPropertyAccessExpression(callee) && ts.isIdentifier(callee.expression) && callee.expression.text === 'Array' && callee.name.text === 'from') {
      const mapper = args[1] && skipOuterExpressions(args[1]);
      if (mapper) return this.callbackResult(mapper, file, environment, depth, [undefined, { kind: 'number', how: 'an index' }]);
      return undefined;
    }
    if (ts.isPropertyAccessExpression(callee) && ts.isIdentifier(callee.expression) && callee.expression.text === 'Object' && (callee.name.text === 'keys' || callee.name.text === 'values' || callee.name.text === 'entries')) {
      return args[0] && this.value(args[0], file, environment, depth + 1) ? { kind: 'constant', how: `Object.${callee.name.text}() of a proven object` } : undefined;
    }
    const random = this.cryptoValue(node, file);
    if (random) return { kind: 'constant', how: random };
    // Parsing a setting keeps it a setting: `new URL(process.env.DATABASE_URL)`, then `.searchParams.get('schema')`,
    // `.split(',')`, `.hostname`; whatever else goes in must be proven too.
    const parsed = this.parsedConfiguration(node, callee, args, file, environment, depth);
    if (parsed) return parsed;
    if (ts.isPropertyAccessExpression(callee)) {
      const method = callee.name.text;
      if (FIXED_FORMAT_METHODS.has(method)) return { kind: 'number', how: `.${method}() (a fixed format)` };
      if (method === 'map' || method === 'flatMap') {
        // `ids.map((_, i) => `$${i + 1}`)`: the callback decides, whatever the array holds.
        const mapper = args[0] && skipOuterExpressions(args[0]);
        const receiver = this.value(callee.expression, file, environment, depth + 1);
        return mapper ? this.callbackResult(mapper, file, environment, depth, [receiver, { kind: 'number', how: 'an index' }]) : undefined;
      }
      if (method === 'fill' || method === 'repeat' || method === 'padStart' || method === 'padEnd') {
        const receiver = method === 'fill' ? { kind: 'constant' as const, how: 'an array' } : this.value(callee.expression, file, environment, depth + 1);
        const filler = method === 'fill' ? args[0] : method === 'repeat' ? undefined : args[1];
        if (!receiver) return undefined;
        if (filler && !this.value(filler, file, environment, depth + 1)) return undefined;
        return { kind: 'constant', how: `.${method}() of proven values` };
      }
      if (PRESERVING_METHODS.has(method)) {
        const receiver = this.value(callee.expression, file, environment, depth + 1);
        if (!receiver) return undefined;
        // `.filter(fn)`, `.sort(fn)`, `.find(fn)` keep the elements; the rest take text arguments.
        const textArguments = /^(?:filter|sort|find|some|every)$/.test(method) ? [] : args;
        for (const argument of textArguments) if (!this.value(argument, file, environment, depth + 1)) return undefined;
        return { kind: receiver.kind, how: receiver.how };
      }
    }
    // A project function whose every return is proven (with its parameters unknown), or declared to return a number.
    const target = resolveFunction(this.modules, file, callee);
    if (!target) return undefined;
    const declared = target.node.type?.getText(target.node.getSourceFile()).trim().replace(/^Promise<(.+)>$/, '$1');
    if (declared && NUMERIC_TYPE.test(declared)) return { kind: 'number', how: `${target.name}() declared to return ${declared}` };
    // The parameters hold what this call passes: `minIfGrouped('si.sku')` with a constant argument.
    const bound = new Map<ts.Node, ValueProof>();
    target.node.parameters.forEach((parameter, index) => {
      const argument = args[index];
      const proof = argument && !parameter.dotDotDotToken ? this.value(argument, file, environment, depth + 1) : undefined;
      if (proof) bindAll(parameter, proof, bound);
    });
    return this.functionResult(target.node, target.file, bound, depth, `returned by ${target.name}()`);
  }

  private parsedConfiguration(node: ts.CallExpression | ts.NewExpression, callee: ts.Expression, args: ts.NodeArray<ts.Expression>, file: ScannedSourceFile, environment: Environment, depth: number): ValueProof | undefined {
    let source: ValueProof | undefined;
    let rest: readonly ts.Expression[] = args;
    if (ts.isNewExpression(node) && ts.isIdentifier(callee) && CONFIGURATION_PARSERS.has(callee.text) && !localBinding(callee) && !this.modules.resolveName(file, callee.text) && args[0]) {
      source = this.value(args[0], file, environment, depth + 1);
      rest = args.slice(1);
    } else if (ts.isPropertyAccessExpression(callee)) {
      source = this.value(callee.expression, file, environment, depth + 1);
    }
    if (!source?.configuration) return undefined;
    for (const argument of rest) if (!this.value(argument, file, environment, depth + 1)) return undefined;
    return source;
  }

  /**
   * node:crypto output in a fixed alphabet: `randomUUID()`, `randomInt()`, `randomBytes(n).toString('hex')`,
   * `createHash(a).update(x).digest('hex')` (a digest is hex or base64 whatever went in).
   */
  private cryptoValue(node: ts.CallExpression | ts.NewExpression, file: ScannedSourceFile): string | undefined {
    const callee = skipOuterExpressions(node.expression);
    const name = ts.isPropertyAccessExpression(callee) ? callee.name.text : ts.isIdentifier(callee) ? callee.text : undefined;
    if (!name) return undefined;
    const fromCrypto = (expression: ts.Expression): boolean => {
      let current = skipOuterExpressions(expression);
      while (ts.isCallExpression(current) || ts.isPropertyAccessExpression(current)) current = skipOuterExpressions(current.expression);
      if (!ts.isIdentifier(current)) return false;
      const binding = this.modules.resolveName(file, current.text);
      const module = binding?.kind === 'external' ? binding.module : binding?.kind === 'declaration' && ts.isVariableDeclaration(binding.node) && binding.node.initializer ? requiredModule(binding.node.initializer) : undefined;
      return module === 'crypto' || module === 'node:crypto';
    };
    const encoding = node.arguments?.[0] && skipOuterExpressions(node.arguments[0]);
    const fixedEncoding = encoding && ts.isStringLiteralLike(encoding) && /^(?:hex|base64|base64url)$/.test(encoding.text);
    if ((name === 'randomUUID' || name === 'randomInt') && fromCrypto(callee)) return `crypto ${name}()`;
    if (name === 'digest' && fixedEncoding && fromCrypto(callee)) return `a ${encoding.text} digest`;
    if (name === 'toString' && fixedEncoding && ts.isPropertyAccessExpression(callee)) {
      const owner = skipOuterExpressions(callee.expression);
      if (ts.isCallExpression(owner) && ts.isPropertyAccessExpression(skipOuterExpressions(owner.expression)) && /^(?:randomBytes|pseudoRandomBytes)$/.test((skipOuterExpressions(owner.expression) as ts.PropertyAccessExpression).name.text) && fromCrypto(owner)) {
        return `random bytes as ${encoding.text}`;
      }
      if (ts.isCallExpression(owner) && ts.isIdentifier(skipOuterExpressions(owner.expression)) && /^randomBytes$/.test((skipOuterExpressions(owner.expression) as ts.Identifier).text) && fromCrypto(owner)) return `random bytes as ${encoding.text}`;
    }
    return undefined;
  }

  /** A callback's result with its parameters bound to what the caller passes (an index is a number). */
  private callbackResult(callback: ts.Expression, file: ScannedSourceFile, environment: Environment, depth: number, parameters: Array<ValueProof | undefined>): ValueProof | undefined {
    if (!ts.isArrowFunction(callback) && !ts.isFunctionExpression(callback)) {
      // `.map(String)`, `.map(Number)`: conversions of proven elements.
      if (ts.isIdentifier(callback) && (callback.text === 'Number' || callback.text === 'parseInt' || callback.text === 'parseFloat')) return { kind: 'number', how: `.map(${callback.text})` };
      if (ts.isIdentifier(callback) && callback.text === 'String' && parameters[0]) return parameters[0];
      return undefined;
    }
    const bound = new Map(environment);
    callback.parameters.forEach((parameter, index) => {
      const proof = parameters[index];
      if (proof) bindAll(parameter, proof, bound);
    });
    return this.functionResult(callback, file, bound, depth, 'built by a callback from proven values');
  }

  private functionResult(fn: ts.SignatureDeclaration & { body?: ts.Node }, file: ScannedSourceFile, environment: Environment, depth: number, how: string): ValueProof | undefined {
    const body = fn.body;
    if (!body || depth > MAX_DEPTH - 2) return undefined;
    if (!ts.isBlock(body)) {
      const proof = this.value(body as ts.Expression, file, environment, depth + 1);
      return proof && { kind: proof.kind, how };
    }
    const returned: ts.Expression[] = [];
    let bare = false;
    const visit = (node: ts.Node): void => {
      if (ts.isFunctionLike(node)) return;
      if (ts.isReturnStatement(node)) {
        if (node.expression) returned.push(node.expression);
        else bare = true;
      }
      ts.forEachChild(node, visit);
    };
    ts.forEachChild(body, visit);
    if (returned.length === 0 || bare) return undefined;
    const proof = this.all(returned, file, environment, depth, how);
    return proof && { kind: proof.kind, how };
  }
}

const ARRAY_WRITERS = new Set(['push', 'unshift', 'splice', 'fill', 'set', 'add']);

/**
 * Values written into the collection a name holds, in the scope that declares it: `name.push(v)`,
 * `name[k] = v`, `name.k = v`, `Object.assign(name, v)`.
 */
function writesInto(name: string, declaration: ts.VariableDeclaration): ts.Expression[] {
  const scope = declaration.parent?.parent?.parent;
  if (!scope) return [];
  const values: ts.Expression[] = [];
  const isName = (expression: ts.Expression) => {
    const value = skipOuterExpressions(expression);
    return ts.isIdentifier(value) && value.text === name;
  };
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node)) {
      const callee = skipOuterExpressions(node.expression);
      if (ts.isPropertyAccessExpression(callee) && isName(callee.expression) && ARRAY_WRITERS.has(callee.name.text)) {
        values.push(...(callee.name.text === 'splice' ? node.arguments.slice(2) : node.arguments).map((argument) => (ts.isSpreadElement(argument) ? argument.expression : argument)));
      }
      // `Object.assign(name, input)`: written with whatever the other arguments hold.
      if (ts.isPropertyAccessExpression(callee) && callee.name.text === 'assign' && node.arguments[0] && isName(node.arguments[0])) values.push(...node.arguments.slice(1));
    }
    if (ts.isBinaryExpression(node) && node.operatorToken.kind >= ts.SyntaxKind.FirstAssignment && node.operatorToken.kind <= ts.SyntaxKind.LastAssignment) {
      const target = skipOuterExpressions(node.left);
      if ((ts.isPropertyAccessExpression(target) || ts.isElementAccessExpression(target)) && isName(target.expression)) values.push(node.right);
    }
    ts.forEachChild(node, visit);
  };
  visit(scope);
  return values;
}

function bindAll(parameter: ts.ParameterDeclaration | ts.BindingElement, proof: ValueProof, bound: Map<ts.Node, ValueProof>): void {
  bound.set(parameter, proof);
  if (!ts.isIdentifier(parameter.name)) for (const element of parameter.name.elements) if (!ts.isOmittedExpression(element)) bindAll(element, proof, bound);
}

/** The local declaration (variable, parameter, destructured element) a name refers to in its function, if any. */
export function localBinding(identifier: ts.Identifier): ts.VariableDeclaration | ts.ParameterDeclaration | ts.BindingElement | undefined {
  for (let scope: ts.Node | undefined = identifier.parent; scope; scope = scope.parent) {
    if (ts.isSourceFile(scope)) return undefined;
    if (ts.isBlock(scope) || ts.isCaseClause(scope) || ts.isDefaultClause(scope)) {
      for (const statement of scope.statements) {
        if (statement.pos > identifier.pos) break;
        if (!ts.isVariableStatement(statement)) continue;
        for (const declaration of statement.declarationList.declarations) {
          const found = declared(declaration, identifier.text);
          if (found) return found;
        }
      }
    }
    if ((ts.isForOfStatement(scope) || ts.isForStatement(scope) || ts.isForInStatement(scope)) && scope.initializer && ts.isVariableDeclarationList(scope.initializer)) {
      for (const declaration of scope.initializer.declarations) {
        const found = declared(declaration, identifier.text);
        if (found) return found;
      }
    }
    if (ts.isFunctionLike(scope)) {
      for (const parameter of scope.parameters) {
        const found = declared(parameter, identifier.text);
        if (found) return found;
      }
    }
  }
  return undefined;
}

function declared(declaration: ts.VariableDeclaration | ts.ParameterDeclaration | ts.BindingElement, name: string): ts.VariableDeclaration | ts.ParameterDeclaration | ts.BindingElement | undefined {
  if (ts.isIdentifier(declaration.name)) return declaration.name.text === name ? declaration : undefined;
  for (const element of declaration.name.elements) {
    if (ts.isOmittedExpression(element)) continue;
    const found = declared(element, name);
    if (found) return found;
  }
  return undefined;
}

/**
 * The parameter of a callback over `Object.entries(literal)` (`.forEach`, `.map`, ...), or the variable of a
 * `for...of` over it, where the literal's keys are all written out (no spread, no computed name).
 */
function entriesOfStaticLiteral(root: ts.Node): boolean {
  let source: ts.Expression | undefined;
  if (ts.isParameter(root) && (ts.isArrowFunction(root.parent) || ts.isFunctionExpression(root.parent)) && root.parent.parameters[0] === root) {
    const call = root.parent.parent;
    if (ts.isCallExpression(call) && call.arguments[0] === root.parent && ts.isPropertyAccessExpression(call.expression)) source = call.expression.expression;
  } else if (ts.isVariableDeclaration(root) && ts.isVariableDeclarationList(root.parent) && ts.isForOfStatement(root.parent.parent)) {
    source = root.parent.parent.expression;
  }
  const entries = source && skipOuterExpressions(source);
  if (!entries || !ts.isCallExpression(entries) || entries.arguments.length !== 1 || entries.expression.getText() !== 'Object.entries') return false;
  let literal = skipOuterExpressions(entries.arguments[0]!);
  if (ts.isIdentifier(literal)) literal = localConstInitializer(literal) ?? literal;
  return ts.isObjectLiteralExpression(literal) && literal.properties.every((property) => !ts.isSpreadAssignment(property) && property.name !== undefined && !ts.isComputedPropertyName(property.name));
}
