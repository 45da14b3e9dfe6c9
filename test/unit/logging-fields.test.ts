// After a logging fix, no value of the original message is lost: every interpolated expression
// (template `${...}`, a `+` operand, a util.format or console argument) appears in the fields of
// the rewritten call, and the message left behind is a constant string.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { ts } from 'ts-morph';
import { applyEdits } from '../../server/src/engine/edits';
import type { Finding, TextEdit } from '../../server/src/engine/types';
import { FixtureRunner, fixtureWorkspaces, isGolden } from '../support/fixtures';

const RULES = new Set(['console-log', 'interpolated-log-message']);

function strip(e: ts.Expression): ts.Expression {
  while (ts.isParenthesizedExpression(e)) e = e.expression;
  return e;
}

function isText(e: ts.Expression): boolean {
  const u = strip(e);
  return ts.isStringLiteral(u) || ts.isNoSubstitutionTemplateLiteral(u) || ts.isNumericLiteral(u);
}

/** The values a message or console argument carries, as source text. */
function valuesOf(e: ts.Expression, sf: ts.SourceFile): string[] {
  const u = strip(e);
  if (isText(u)) return [];
  // A fields object handed to console: each of its values must survive.
  if (ts.isObjectLiteralExpression(u)) {
    return u.properties.flatMap((p) =>
      ts.isShorthandPropertyAssignment(p) ? [p.name.text] : ts.isPropertyAssignment(p) ? [p.initializer.getText(sf)] : [p.getText(sf)],
    );
  }
  if (ts.isTemplateExpression(u)) return u.templateSpans.flatMap((s) => valuesOf(s.expression, sf));
  if (ts.isBinaryExpression(u) && u.operatorToken.kind === ts.SyntaxKind.PlusToken) {
    return [...valuesOf(u.left, sf), ...valuesOf(u.right, sf)];
  }
  if (ts.isCallExpression(u) && /(^|\.)format$/.test(u.expression.getText(sf)) && u.arguments.length > 1 && isText(u.arguments[0])) {
    return u.arguments.slice(1).flatMap((a) => valuesOf(a, sf));
  }
  return [u.getText(sf)];
}

function callAt(sf: ts.SourceFile, start: number): ts.CallExpression | undefined {
  let found: ts.CallExpression | undefined;
  const visit = (node: ts.Node) => {
    if (found) return;
    if (ts.isCallExpression(node) && node.getStart(sf) === start) found = node;
    else ts.forEachChild(node, visit);
  };
  visit(sf);
  return found;
}

/** The call a finding is about: console-log points at the callee, interpolated-log-message at the message argument. */
function findingCall(sf: ts.SourceFile, finding: Finding): ts.CallExpression | undefined {
  let found: ts.CallExpression | undefined;
  const visit = (node: ts.Node) => {
    if (found || node.getStart(sf) > finding.start || node.end <= finding.start) return;
    if (
      ts.isCallExpression(node) &&
      (finding.ruleId === 'console-log'
        ? node.expression.getStart(sf) === finding.start
        : node.arguments.some((a) => a.getStart(sf) === finding.start))
    ) {
      found = node;
      return;
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return found;
}

function shifted(offset: number, edits: readonly TextEdit[]): number {
  let delta = 0;
  for (const e of edits) if (e.end <= offset) delta += e.newText.length - (e.end - e.start);
  return offset + delta;
}

function fieldValues(call: ts.CallExpression, sf: ts.SourceFile): string[] {
  const out: string[] = [];
  for (const arg of call.arguments) {
    if (!ts.isObjectLiteralExpression(arg)) continue;
    for (const p of arg.properties) {
      if (ts.isShorthandPropertyAssignment(p)) out.push(p.name.text);
      else if (ts.isPropertyAssignment(p)) out.push(p.initializer.getText(sf));
    }
  }
  return out;
}

let checked = 0;
for (const ws of fixtureWorkspaces()) {
  if (!ws.root.includes(path.join('fixtures', 'logging'))) continue;
  const runner = new FixtureRunner(ws.root);
  for (const file of ws.files) {
    if (isGolden(file)) continue;
    const doc = runner.load(file);
    if (!doc) continue;
    const findings: Finding[] = runner.run(doc).filter((f) => RULES.has(f.ruleId));
    for (const finding of findings) {
      const fix = runner.fixesFor(finding, doc)[0];
      if (!fix) continue;
      const { line } = doc.lines.positionAt(finding.start);
      test(`${path.relative(ws.root, file)}:${line + 1} ${finding.ruleId} keeps every value as a field`, () => {
        const sf = doc.sourceFile;
        const call = findingCall(sf, finding);
        if (!call) {
          // `promise.catch(console.error)`: what the callback receives must reach the fields.
          const after = applyEdits(doc.text, fix.edits);
          const newSf = ts.createSourceFile(file, after, ts.ScriptTarget.Latest, true);
          let arrow: ts.ArrowFunction | undefined;
          const at = shifted(finding.start, fix.edits);
          const visit = (node: ts.Node) => {
            if (ts.isArrowFunction(node) && node.getStart(newSf) === at) arrow = node;
            else ts.forEachChild(node, visit);
          };
          visit(newSf);
          assert.ok(arrow && ts.isCallExpression(arrow.body), 'the callback became an arrow function that logs');
          const param = arrow.parameters[0].name.getText(newSf);
          assert.ok(fieldValues(arrow.body as ts.CallExpression, newSf).includes(param), `${param} is logged as a field`);
          return;
        }
        const original =
          finding.ruleId === 'console-log'
            ? call.arguments.flatMap((a) => valuesOf(a, sf))
            : valuesOf(call.arguments.find((a) => a.getStart(sf) === finding.start)!, sf);
        assert.ok(original.length > 0 || finding.ruleId === 'console-log', 'an interpolated message has values');

        const after = applyEdits(doc.text, fix.edits);
        const newSf = ts.createSourceFile(file, after, ts.ScriptTarget.Latest, true);
        const newCall = callAt(newSf, shifted(call.getStart(sf), fix.edits));
        assert.ok(newCall, 'the rewritten call is where the old one was');
        if (fix.title.includes('NestJS')) {
          // NestJS's Logger takes text: each value stays in the one message, where it was.
          for (const value of original) assert.ok(newCall.getText(newSf).includes(value), `value \`${value}\` is missing from \`${newCall.getText(newSf)}\``);
          return;
        }
        const fields = fieldValues(newCall, newSf);
        for (const value of original) {
          // `JSON.stringify(payload)` is logged as the object itself.
          const stringified = /^(?:JSON\.stringify|util\.inspect)\(([\w$.]+)\)$/.exec(value)?.[1];
          assert.ok(
            fields.some((f) => f.includes(value) || (stringified !== undefined && f === stringified)),
            `value \`${value}\` is missing from the fields of \`${newCall.getText(newSf)}\``,
          );
        }
        for (const arg of newCall.arguments) {
          assert.ok(
            ts.isObjectLiteralExpression(arg) || ts.isStringLiteral(arg) || ts.isIdentifier(arg),
            `\`${arg.getText(newSf)}\` is a constant message or a fields object`,
          );
        }
      });
      checked++;
    }
  }
}

test('the logging fixtures hold fixable findings to check', () => {
  assert.ok(checked >= 20, `only ${checked} fixable logging findings in the fixtures`);
});
