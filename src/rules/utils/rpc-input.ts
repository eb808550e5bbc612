import { ts } from '#typescript';

/**
 * `({ ctx })`, `()`: an RPC resolver (tRPC, oRPC) that takes nothing from its one argument but the server's
 * context, so the client sends it no input (`totpSetup` minting a secret to show, `getSession` answering
 * with the caller's own rows).
 */
export function takesOnlyContext(handler: ts.SignatureDeclaration): boolean {
  if (handler.parameters.length === 0) return true;
  if (handler.parameters.length > 1) return false;
  const name = handler.parameters[0]!.name;
  if (!ts.isObjectBindingPattern(name)) return false;
  return name.elements.every((element) => {
    const key = element.propertyName ?? element.name;
    return !element.dotDotDotToken && ts.isIdentifier(key) && /^(?:ctx|context|path|type|signal)$/.test(key.text);
  });
}
