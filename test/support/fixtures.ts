// The fixture harness: a fixture is a real-looking file with its expectations written next to the
// code (`// expect: <rule-id>` or `# expect: <rule-id>`), and optionally a golden `*.fixed.*` file.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { ts } from 'ts-morph';
import { analyze, fixesFor, ENGINE_RULE_IDS } from '../../server/src/engine/analyze';
import { applyEdits } from '../../server/src/engine/edits';
import { ConfigLoader } from '../../server/src/engine/config-file';
import { prepare } from '../../server/src/engine/source';
import { isYamlPath } from '../../server/src/engine/classify';
import { applySuppressions } from '../../server/src/engine/suppressions';
import type { ParsedDocument } from '../../server/src/engine/document';
import type { Finding } from '../../server/src/engine/types';
import type { WorkspaceFacts } from '../../server/src/engine/workspace-facts';
import { registry } from '../../server/src/rules';

export const FIXTURES_DIR = path.resolve(__dirname, '..', 'fixtures');

export interface Expectation {
  /** Zero-based line where the finding starts. */
  line: number;
  ruleId: string;
  /** A fragment the message must contain, when the fixture names one. */
  messageIncludes?: string;
}

const EXPECT = /(?:\/\/|#|\/\*)\s*expect:\s*(.+?)\s*(?:\*\/)?\s*$/;
const WHOLE_LINE_COMMENT = /^\s*(?:\/\/|#|\/\*)/;
const ONE = /^([a-z0-9-]+)(?:\s+"([^"]*)")?\s*(?:,\s*|$)/;

/**
 * Reads the expectations of a fixture. A trailing `expect:` comment applies to its own line; an
 * `expect:` comment alone on its line applies to the next line that holds code.
 */
export function readExpectations(text: string): Expectation[] {
  const lines = text.split(/\r?\n/);
  const out: Expectation[] = [];
  let pending: Array<Omit<Expectation, 'line'>> = [];
  lines.forEach((line, index) => {
    const match = EXPECT.exec(line);
    const wholeLine = WHOLE_LINE_COMMENT.test(line);
    if (match) {
      const parsed: Array<Omit<Expectation, 'line'>> = [];
      let rest = match[1];
      while (rest.length > 0) {
        const one = ONE.exec(rest);
        if (!one) throw new Error(`line ${index + 1}: cannot read expectation '${match[1]}'`);
        parsed.push({ ruleId: one[1], ...(one[2] !== undefined ? { messageIncludes: one[2] } : {}) });
        rest = rest.slice(one[0].length);
      }
      if (wholeLine) {
        pending.push(...parsed);
        return;
      }
      out.push(...parsed.map((p) => ({ ...p, line: index })));
    }
    if (!wholeLine && line.trim() !== '' && pending.length > 0) {
      out.push(...pending.map((p) => ({ ...p, line: index })));
      pending = [];
    }
  });
  if (pending.length > 0) throw new Error(`an expect: comment at the end of the file applies to no line`);
  return out;
}

export function goldenPathFor(file: string): string {
  const dir = path.dirname(file);
  const name = path.basename(file);
  const dot = name.indexOf('.', 1);
  return dot < 0 ? path.join(dir, `${name}.fixed`) : path.join(dir, `${name.slice(0, dot)}.fixed${name.slice(dot)}`);
}

export function isGolden(file: string): boolean {
  return /\.fixed(\.|$)/.test(path.basename(file));
}

/** A fixture workspace: each folder directly under `test/fixtures/<family>/`. */
export interface FixtureWorkspace {
  root: string;
  files: string[];
}

export function fixtureWorkspaces(): FixtureWorkspace[] {
  const out: FixtureWorkspace[] = [];
  if (!fs.existsSync(FIXTURES_DIR)) return out;
  for (const family of fs.readdirSync(FIXTURES_DIR).sort()) {
    const familyDir = path.join(FIXTURES_DIR, family);
    if (!fs.statSync(familyDir).isDirectory()) continue;
    for (const ws of fs.readdirSync(familyDir).sort()) {
      const root = path.join(familyDir, ws);
      if (!fs.statSync(root).isDirectory()) continue;
      out.push({ root, files: listFiles(root) });
    }
  }
  return out;
}

function listFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const abs = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listFiles(abs));
    else out.push(abs);
  }
  return out.sort();
}

export interface FixtureRun {
  doc: ParsedDocument;
  findings: Finding[];
}

export class FixtureRunner {
  readonly configs = new ConfigLoader(registry);

  constructor(
    readonly root: string,
    private readonly workspace?: WorkspaceFacts,
  ) {}

  load(file: string, text = fs.readFileSync(file, 'utf8')): ParsedDocument | undefined {
    const prepared = prepare({
      path: file.split(path.sep).join('/'),
      relativePath: path.relative(this.root, file).split(path.sep).join('/'),
      text,
    });
    return prepared.status === 'document' ? prepared.doc : undefined;
  }

  run(doc: ParsedDocument): Finding[] {
    const config = this.configs.configFor(doc.path, this.root);
    const result = analyze(doc, { registry, config, workspace: this.workspace });
    if (result.crashes.length > 0) {
      const crash = result.crashes[0];
      throw new Error(`rule ${crash.ruleId} threw: ${(crash.error as Error)?.stack ?? crash.error}`);
    }
    return applySuppressions(doc, result.findings, config, registry).findings;
  }

  fixesFor(finding: Finding, doc: ParsedDocument) {
    return fixesFor(finding, doc, { registry, config: this.configs.configFor(doc.path, this.root), workspace: this.workspace });
  }

  /**
   * Applies the first fix of the first fixable finding, re-analyses, and repeats: what a user
   * clicking through the quick fixes would get. Returns the final text.
   */
  applyAllFixes(file: string, onlySafe = false): { text: string; applied: number } {
    let text = fs.readFileSync(file, 'utf8');
    let applied = 0;
    for (let round = 0; round < 100; round++) {
      const doc = this.load(file, text);
      if (!doc) break;
      let next: string | undefined;
      for (const finding of this.run(doc)) {
        const fix = this.fixesFor(finding, doc).find((f) => !onlySafe || f.safe);
        if (fix) {
          next = applyEdits(text, fix.edits);
          break;
        }
      }
      if (next === undefined) break;
      if (next === text) throw new Error(`a fix for ${file} changed nothing`);
      text = next;
      applied++;
    }
    return { text, applied };
  }
}

/** Syntax errors of a document's text in its own language (what "the file still parses" means). */
export function syntaxErrors(doc: ParsedDocument): string[] {
  switch (doc.kind) {
    case 'js': {
      const sf = ts.createSourceFile(doc.path, doc.text, ts.ScriptTarget.Latest, true);
      const diagnostics = (sf as unknown as { parseDiagnostics: ts.Diagnostic[] }).parseDiagnostics ?? [];
      return diagnostics.map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    }
    case 'kubernetes':
    case 'compose':
      if (doc.yaml.templated) return [];
      return doc.yaml.documents.flatMap((d) => d.errors.map((e) => e.message));
    case 'ecs':
      if (isYamlPath(doc.path)) return doc.yaml.documents.flatMap((d) => [...d.errors, ...d.warnings].map((e) => e.message));
      return doc.json.errors.map((e) => `JSON error ${e.error} at ${e.offset}`);
    case 'dockerfile':
      return [];
    case 'python': {
      const tree = doc.pythonTree;
      if (!tree) return ['the Python parser is not loaded'];
      if (!tree.rootNode.hasError) return [];
      return tree.rootNode
        .descendantsOfType(['ERROR'])
        .map((n) => `syntax error at ${n!.startPosition.row + 1}:${n!.startPosition.column + 1}`)
        .concat(tree.rootNode.hasError ? ['syntax error'] : []);
    }
  }
}

export function describeFinding(doc: ParsedDocument, f: Finding): string {
  const { line, character } = doc.lines.positionAt(f.start);
  return `${line + 1}:${character + 1} ${f.ruleId}: ${f.message}`;
}

export { ENGINE_RULE_IDS };
