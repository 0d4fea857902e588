/**
 * This module contains the two AST transformers that turn a type-checked cell into a script that runs in the
 * kernel's global scope:
 *  - before type erasure: static imports become `await __beemind_import__()` bindings (type-only bindings
 *    dropped, which needs the checker), `import()` expressions call the same importer (packages/importer.ts),
 *    and the declarations carried from earlier cells are removed;
 *  - after type erasure: top-level bindings are hoisted to `var`s (so they outlive the cell as globals), the
 *    body is wrapped in an async arrow (top-level await), and a final expression becomes its return value.
 */
import ts from './typescript.cjs';
import { IMPORT_FUNCTION } from '../packages/importer.js';
import { bindingNames, hasModifier } from './analyze.js';

/** Replaces imports by dynamic imports and drops everything past the user's code (carried declarations). */
export function importsToDynamic(
  checker: ts.TypeChecker,
  userEnd: number,
): ts.TransformerFactory<ts.SourceFile> {
  return (context) => (sf) => {
    const f = context.factory;
    // The cell's own `import(x)` expressions go through the kernel's importer too.
    const rerouteImportCalls = (node: ts.Node): ts.Node => {
      const visited = ts.visitEachChild(node, rerouteImportCalls, context);
      return ts.isCallExpression(visited) && visited.expression.kind === ts.SyntaxKind.ImportKeyword
        ? ts.setTextRange(importCall(f, visited.arguments), visited)
        : visited;
    };
    const statements: ts.Statement[] = [];
    for (const node of sf.statements) {
      if (node.getStart(sf) >= userEnd) continue;
      if (!ts.isImportDeclaration(node)) {
        statements.push(ts.visitNode(node, rerouteImportCalls, ts.isStatement));
        continue;
      }
      const load = dynamicImport(f, node);
      const clause = node.importClause;
      if (!clause) {
        statements.push(ts.setTextRange(f.createExpressionStatement(load), node));
        continue;
      }
      if (clause.isTypeOnly) continue;
      const isValue = (id: ts.Identifier) => {
        const symbol = checker.getSymbolAtLocation(id);
        if (!symbol) return true;
        const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
        return (target.flags & ts.SymbolFlags.Value) !== 0 || target.flags === ts.SymbolFlags.None;
      };
      const bindings = clause.namedBindings;
      if (bindings && ts.isNamespaceImport(bindings)) {
        statements.push(constStatement(f, bindings.name, load, node));
      }
      const elements: ts.BindingElement[] = [];
      if (clause.name && isValue(clause.name)) {
        elements.push(f.createBindingElement(undefined, 'default', clause.name.text));
      }
      if (bindings && ts.isNamedImports(bindings)) {
        for (const e of bindings.elements) {
          if (e.isTypeOnly || !isValue(e.name)) continue;
          const imported = e.propertyName
            ? ts.isIdentifier(e.propertyName)
              ? e.propertyName.text
              : e.propertyName.text
            : undefined;
          elements.push(f.createBindingElement(undefined, imported, e.name.text));
        }
      }
      if (elements.length > 0)
        statements.push(constStatement(f, f.createObjectBindingPattern(elements), load, node));
    }
    return f.updateSourceFile(sf, statements);
  };
}

function dynamicImport(f: ts.NodeFactory, node: ts.ImportDeclaration): ts.Expression {
  const args: ts.Expression[] = [f.createStringLiteral((node.moduleSpecifier as ts.StringLiteral).text)];
  if (node.attributes) {
    const props = node.attributes.elements.map((a) =>
      f.createPropertyAssignment(
        ts.isIdentifier(a.name) ? a.name.text : f.createStringLiteral(a.name.text),
        a.value,
      ),
    );
    args.push(
      f.createObjectLiteralExpression([
        f.createPropertyAssignment('with', f.createObjectLiteralExpression(props)),
      ]),
    );
  }
  return f.createAwaitExpression(importCall(f, args));
}

/** `__beemind_import__(…)`: the kernel's importer, which finds packages in the notebook's folder or the kernel's. */
function importCall(f: ts.NodeFactory, args: readonly ts.Expression[]): ts.Expression {
  return f.createCallExpression(f.createIdentifier(IMPORT_FUNCTION), undefined, args);
}

function constStatement(
  f: ts.NodeFactory,
  name: string | ts.BindingName,
  init: ts.Expression,
  range: ts.Node,
): ts.Statement {
  const list = f.createVariableDeclarationList(
    [f.createVariableDeclaration(name, undefined, undefined, init)],
    ts.NodeFlags.Const,
  );
  return ts.setTextRange(f.createVariableStatement(undefined, list), range);
}

/**
 * Hoists top-level bindings and wraps the cell in `(async () => { … })()`. `lastExpression` is the cell's final
 * expression statement (original node), whose value the wrapper returns.
 */
export function hoistIntoAsyncWrapper(
  lastExpression: ts.Node | undefined,
): ts.TransformerFactory<ts.SourceFile> {
  return (context) => (sf) => {
    const f = context.factory;
    const hoisted = new Set<string>();
    const functions: ts.Statement[] = [];
    const body: ts.Statement[] = [];
    for (const node of sf.statements) {
      if (ts.isExportDeclaration(node)) continue;
      if (ts.isExportAssignment(node)) {
        body.push(ts.setTextRange(f.createExpressionStatement(node.expression), node));
        continue;
      }
      if (ts.isFunctionDeclaration(node) && node.name) {
        functions.push(withoutExport(f, node));
      } else if (ts.isClassDeclaration(node) && node.name) {
        hoisted.add(node.name.text);
        const cls = f.createClassExpression(
          stripExport(node.modifiers),
          node.name,
          node.typeParameters,
          node.heritageClauses,
          node.members,
        );
        body.push(
          ts.setTextRange(
            f.createExpressionStatement(f.createAssignment(f.createIdentifier(node.name.text), cls)),
            node,
          ),
        );
      } else if (ts.isVariableStatement(node)) {
        const isVar = (node.declarationList.flags & ts.NodeFlags.BlockScoped) === 0;
        for (const d of node.declarationList.declarations) {
          for (const name of bindingNames(d.name)) hoisted.add(name);
          const init = d.initializer ?? (isVar ? undefined : f.createVoidZero());
          if (!init) continue;
          const target = ts.isIdentifier(d.name)
            ? f.createIdentifier(d.name.text)
            : toAssignmentPattern(f, d.name);
          const assign = f.createAssignment(target, init);
          body.push(
            ts.setTextRange(
              f.createExpressionStatement(
                ts.isIdentifier(d.name) ? assign : f.createParenthesizedExpression(assign),
              ),
              d,
            ),
          );
        }
      } else if (ts.isFunctionDeclaration(node) || ts.isClassDeclaration(node)) {
        // `export default function () {}` / `export default class {}`: evaluated, bound to nothing.
        const expression = ts.isFunctionDeclaration(node)
          ? f.createFunctionExpression(
              stripExport(node.modifiers) as ts.Modifier[] | undefined,
              node.asteriskToken,
              undefined,
              node.typeParameters,
              node.parameters,
              node.type,
              node.body ?? f.createBlock([]),
            )
          : f.createClassExpression(
              stripExport(node.modifiers),
              undefined,
              node.typeParameters,
              node.heritageClauses,
              node.members,
            );
        body.push(
          ts.setTextRange(f.createExpressionStatement(f.createParenthesizedExpression(expression)), node),
        );
      } else if (
        lastExpression &&
        ts.isExpressionStatement(node) &&
        ts.getOriginalNode(node) === lastExpression
      ) {
        body.push(ts.setTextRange(f.createReturnStatement(node.expression), node));
      } else {
        body.push(node);
      }
    }
    const wrapper = f.createExpressionStatement(
      f.createCallExpression(
        f.createParenthesizedExpression(
          f.createArrowFunction(
            [f.createModifier(ts.SyntaxKind.AsyncKeyword)],
            undefined,
            [],
            undefined,
            undefined,
            f.createBlock(body, true),
          ),
        ),
        undefined,
        [],
      ),
    );
    const head: ts.Statement[] = [f.createExpressionStatement(f.createStringLiteral('use strict'))];
    if (hoisted.size > 0) {
      head.push(
        f.createVariableStatement(
          undefined,
          f.createVariableDeclarationList([...hoisted].map((n) => f.createVariableDeclaration(n))),
        ),
      );
    }
    return f.updateSourceFile(sf, [...head, ...functions, wrapper]);
  };
}

function stripExport(modifiers: ts.NodeArray<ts.ModifierLike> | undefined): ts.ModifierLike[] | undefined {
  return modifiers?.filter(
    (m) => m.kind !== ts.SyntaxKind.ExportKeyword && m.kind !== ts.SyntaxKind.DefaultKeyword,
  );
}

function withoutExport(f: ts.NodeFactory, node: ts.FunctionDeclaration): ts.FunctionDeclaration {
  if (!hasModifier(node, ts.SyntaxKind.ExportKeyword)) return node;
  return f.updateFunctionDeclaration(
    node,
    stripExport(node.modifiers),
    node.asteriskToken,
    node.name,
    node.typeParameters,
    node.parameters,
    node.type,
    node.body,
  );
}

/** `const { a, b: [c = 1], ...r } = v` binds the same names as the assignment `({ a, b: [c = 1], ...r } = v)`. */
function toAssignmentPattern(f: ts.NodeFactory, name: ts.BindingName): ts.Expression {
  if (ts.isIdentifier(name)) return f.createIdentifier(name.text);
  if (ts.isArrayBindingPattern(name)) {
    return f.createArrayLiteralExpression(
      name.elements.map((e) => {
        if (ts.isOmittedExpression(e)) return f.createOmittedExpression();
        const target = withDefault(f, toAssignmentPattern(f, e.name), e.initializer);
        return e.dotDotDotToken ? f.createSpreadElement(target) : target;
      }),
    );
  }
  return f.createObjectLiteralExpression(
    name.elements.map((e): ts.ObjectLiteralElementLike => {
      if (e.dotDotDotToken) return f.createSpreadAssignment(toAssignmentPattern(f, e.name));
      if (!e.propertyName && ts.isIdentifier(e.name)) {
        return f.createShorthandPropertyAssignment(e.name.text, e.initializer);
      }
      const key = e.propertyName ?? (e.name as ts.Identifier);
      return f.createPropertyAssignment(
        key as ts.PropertyName,
        withDefault(f, toAssignmentPattern(f, e.name), e.initializer),
      );
    }),
  );
}

function withDefault(
  f: ts.NodeFactory,
  target: ts.Expression,
  init: ts.Expression | undefined,
): ts.Expression {
  return init ? f.createAssignment(target, init) : target;
}
