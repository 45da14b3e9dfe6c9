// One parsed document version, shared by every rule. Each parse is made on first use and kept
// for the life of this version; a TypeScript source is re-parsed incrementally from the
// previous version of the same document when there is one.

import { ts } from './ts';
import { Composer, LineCounter, Parser, YAMLParseError, isMap, isScalar, isSeq, type Document as YamlDocument } from 'yaml';
import { parseTree, type Node as JsonNode, type ParseError as JsonParseError, printParseErrorCode } from 'jsonc-parser';
import { DockerfileParser, type Dockerfile } from 'dockerfile-ast';
import type { DocumentKind, TextEdit } from './types';
import { LineIndex } from './lines';
import { isHelmTemplate, isYamlPath } from './classify';
import { CLOUDFORMATION_TAGS } from './cloudformation';
import { maskTemplateActions } from './helm';
import { minimalEdit } from './edits';
import { canMoveNodes, parsePython, PyTreeHolder, TOO_COSTLY, type PyTree } from './python';
import { markLive } from './incremental';
import type { JsCostScan } from './limits';
import type { AnchoredPattern, LiteralGuard } from './anchored';

/** Stream-level YAML error tokens composed per file (see `yaml`). */
const MAX_YAML_ERROR_TOKENS = 200;

export interface YamlParse {
  documents: YamlDocument.Parsed[];
  lineCounter: LineCounter;
  /** True when template actions (`{{ }}`) were blanked out before parsing (Helm). */
  templated: boolean;
  /** Offsets of the template actions that were blanked out, in order. */
  templateActions: Array<[number, number]>;
}

export interface JsonParse {
  root: JsonNode | undefined;
  errors: JsonParseError[];
}

/** Why a document could not be analysed (in full), at most one per document. */
export interface ParseProblem {
  start: number;
  end: number;
  message: string;
}

export interface DocumentInput {
  /** Absolute path with forward slashes. */
  path: string;
  /** Path relative to the workspace folder (or the CLI's root), forward slashes. */
  relativePath: string;
  text: string;
  kind: DocumentKind;
  version?: number;
  /** Kept and re-parsed incrementally after each edit (the server's open documents): see incremental.ts. */
  live?: boolean;
}

export class ParsedDocument {
  readonly path: string;
  readonly relativePath: string;
  readonly text: string;
  readonly kind: DocumentKind;
  readonly version: number;
  readonly lines: LineIndex;

  private sourceFileCache: ts.SourceFile | undefined;
  private yamlCache: YamlParse | undefined;
  private jsonCache: JsonParse | undefined;
  private dockerfileCache: Dockerfile | undefined;
  private pythonTreeHolder: PyTreeHolder | undefined;
  /** The previous version and its tree, untouched by this version's re-parse, until `takePythonPrevious()`. */
  private pythonPrevious: { doc: ParsedDocument; tree: PyTreeHolder } | undefined;
  /** The Python parser gave up on this version (over its work allowance, python.ts): no tree, a skipped-file notice. */
  pythonParseAbandoned = false;
  /** What TypeScript's parse of this version costs, counted before it (limits.ts), for the next version's count to start from. */
  jsCostScan: JsCostScan | undefined;
  private previous: ParsedDocument | undefined;
  /** Where the literals asked of this version's text occur (`includes`): an offset, or -1 for nowhere. */
  private literals: Map<string, number> | undefined;
  /** `test`'s (and `testAnchored`'s) answers. */
  private tested: Map<RegExp, boolean> | undefined;
  /** Every occurrence of the literals asked of this version's text (`occurrences`), ascending. */
  private occurrenceLists: Map<string, readonly number[]> | undefined;
  /** The previous version's answers and the edit from it: `includes` and `occurrences` then search only around the edit. */
  private literalsFrom: { literals: ReadonlyMap<string, number> | undefined; occurrences: ReadonlyMap<string, readonly number[]> | undefined; edit: TextEdit } | undefined;
  /** The edit from the previous version's text to this one's (when there is a previous version): for the re-parses and the line index. */
  private readonly editFromPrevious: TextEdit | undefined;
  private readonly live: boolean;

  /** Whether this is an open document's version (`DocumentInput.live`): its next version is analysed from it. */
  get isLive(): boolean {
    return this.live;
  }

  constructor(input: DocumentInput, previous?: ParsedDocument) {
    this.path = input.path;
    this.relativePath = input.relativePath;
    this.text = input.text;
    this.kind = input.kind;
    this.version = input.version ?? 0;
    this.live = input.live === true;
    if (previous && (previous.kind === 'js' || previous.kind === 'python') && previous.kind === input.kind && previous.path === input.path) {
      this.previous = previous;
      this.editFromPrevious = minimalEdit(previous.text, input.text);
      this.lines = LineIndex.afterEdit(previous.lines, input.text, this.editFromPrevious);
      if (previous.literals || previous.occurrenceLists) {
        this.literalsFrom = { literals: previous.literals, occurrences: previous.occurrenceLists, edit: this.editFromPrevious };
      }
      previous.literalsFrom = undefined; // one version back, never a chain of them
    } else {
      this.lines = new LineIndex(input.text);
    }
  }

  /**
   * Whether the text holds `needle`, answered once per version. For an open document's next version
   * it is read from the previous version's answer: an occurrence wholly before or after the edit is
   * still there (shifted), and where there was none, one can only overlap what the edit wrote or
   * straddle where it wrote it, so only that window is searched instead of the whole text at every
   * keystroke. test/unit/document-literals.test.ts compares it with `text.includes` on random edits.
   */
  includes(needle: string): boolean {
    let literals = this.literals;
    if (!literals) this.literals = literals = new Map();
    let at = literals.get(needle);
    if (at === undefined) {
      at = this.findLiteral(needle);
      literals.set(needle, at);
    }
    return at !== -1;
  }

  /** Whether `pattern` (not global or sticky: no `lastIndex`) matches the text, tested once per version and pattern. */
  test(pattern: RegExp): boolean {
    let tested = this.tested;
    if (!tested) this.tested = tested = new Map();
    let answer = tested.get(pattern);
    if (answer === undefined) tested.set(pattern, (answer = pattern.test(this.text)));
    return answer;
  }

  /**
   * Where `needle` occurs in the text: every start offset, ascending (overlapping occurrences too),
   * found once per version. An open document's next version carries the previous version's list
   * as `includes` carries its answer: the occurrences wholly before or after the edit, shifted, and
   * a search of the window the edit touched. Never modify the list.
   */
  occurrences(needle: string): readonly number[] {
    let lists = this.occurrenceLists;
    if (!lists) this.occurrenceLists = lists = new Map();
    let list = lists.get(needle);
    if (list === undefined) lists.set(needle, (list = this.findOccurrences(needle)));
    return list;
  }

  /**
   * Whether `pattern.pattern` matches the text, once per version. An open document answers it at the
   * occurrences of the pattern's anchors (carried from the previous version, see `occurrences`), so a
   * keystroke costs a search around the edit and one sticky match per occurrence, not a scan of the
   * whole text; any other document tests the expression itself.
   */
  testAnchored(pattern: AnchoredPattern): boolean {
    if (!this.live) return this.test(pattern.pattern);
    let tested = this.tested;
    if (!tested) this.tested = tested = new Map();
    let answer = tested.get(pattern.pattern);
    if (answer === undefined) tested.set(pattern.pattern, (answer = pattern.matchesAt(this.text, (anchor) => this.occurrences(anchor))));
    return answer;
  }

  /**
   * False when none of `guard`'s literals occurs, so its expression cannot match; true otherwise, and
   * wherever asking would cost more than the scan it saves: the guard is asked only of an open
   * document's version made from a previous one (whose answers `includes` carries; the first such
   * version searches once). The CLI and a document's first version run the scan.
   */
  mayMatch(guard: LiteralGuard): boolean {
    if (!this.live || this.editFromPrevious === undefined) return true;
    for (const literal of guard.literals) if (this.includes(literal)) return true;
    return false;
  }

  private findOccurrences(needle: string): readonly number[] {
    const text = this.text;
    const from = this.literalsFrom;
    const before = from?.occurrences?.get(needle);
    const out: number[] = [];
    if (from && before !== undefined && needle.length > 0) {
      const { start, end, newText } = from.edit;
      const shift = newText.length - (end - start);
      let i = 0;
      for (; i < before.length && before[i] + needle.length <= start; i++) out.push(before[i]);
      // The window: what can overlap the written text or straddle where it was written.
      const lo = Math.max(0, start - needle.length + 1);
      const hi = Math.min(text.length, start + newText.length + needle.length - 1);
      const window = text.slice(lo, hi);
      for (let at = window.indexOf(needle); at !== -1; at = window.indexOf(needle, at + 1)) out.push(lo + at);
      for (; i < before.length; i++) if (before[i] >= end) out.push(before[i] + shift);
      return out;
    }
    if (needle.length === 0) return out;
    for (let at = text.indexOf(needle); at !== -1; at = text.indexOf(needle, at + 1)) out.push(at);
    return out;
  }

  private findLiteral(needle: string): number {
    const from = this.literalsFrom;
    const before = from?.literals?.get(needle);
    if (from && before !== undefined && needle.length > 0) {
      const { start, end, newText } = from.edit;
      if (before >= 0) {
        if (before + needle.length <= start) return before;
        if (before >= end) return before + newText.length - (end - start);
      } else {
        const lo = Math.max(0, start - needle.length + 1);
        const hi = Math.min(this.text.length, start + newText.length + needle.length - 1);
        const i = this.text.slice(lo, hi).indexOf(needle);
        return i === -1 ? -1 : lo + i;
      }
    }
    return this.text.indexOf(needle);
  }

  /** The TypeScript syntax tree (parents set), for `js` documents. */
  get sourceFile(): ts.SourceFile {
    if (!this.sourceFileCache) {
      const previousTree = this.previous?.takeSourceFile();
      this.previous = undefined;
      this.sourceFileCache = previousTree
        ? ts.updateSourceFile(previousTree, this.text, changeRange(this.editFromPrevious ?? minimalEdit(previousTree.text, this.text)))
        : ts.createSourceFile(this.path, this.text, PARSE_OPTIONS, true, scriptKind(this.path));
      if (this.live) markLive(this.sourceFileCache);
      // TypeScript's line map is ours when both break lines at the same characters (TypeScript also at U+2028 and
      // U+2029): every position a reader asks of the tree then costs no second scan of the text per version.
      if (this.text.indexOf('\u2028') === -1 && this.text.indexOf('\u2029') === -1) {
        (this.sourceFileCache as ts.SourceFile & { lineMap?: readonly number[] }).lineMap = this.lines.startOffsets();
      }
    }
    return this.sourceFileCache;
  }

  /**
   * Hands this version's tree to the next version of the document. The incremental parser reuses
   * (and may change) its nodes, so this document must not use the tree afterwards.
   */
  private takeSourceFile(): ts.SourceFile | undefined {
    const tree = this.sourceFileCache;
    this.sourceFileCache = undefined;
    return tree;
  }

  /**
   * The tree-sitter tree, for `python` documents; undefined until `initPython()` has finished (the
   * rules then find nothing). Re-parsed incrementally from the previous version's tree, which
   * this version takes over and frees.
   */
  get pythonTree(): PyTree | undefined {
    if (this.pythonTreeHolder?.tree) return this.pythonTreeHolder.tree;
    if (this.pythonParseAbandoned) return undefined;
    const previous = this.previous;
    const oldTree = previous?.pythonTreeHolder?.tree ? previous.pythonTreeHolder.take() : undefined;
    // The previous version's tree is kept as it was until this version's module facts have matched
    // the subtrees both share (rules/python/module-facts.ts), for an open document only.
    const keepOld = this.live && oldTree !== undefined && canMoveNodes();
    previous?.releasePythonPrevious();
    const tree = parsePython(
      this.text,
      oldTree && previous ? { tree: oldTree, text: previous.text, edit: this.editFromPrevious ?? minimalEdit(previous.text, this.text), keepOld } : undefined,
    );
    if (keepOld) {
      const holder = new PyTreeHolder(this);
      holder.set(oldTree!);
      if (tree === TOO_COSTLY || !tree) holder.dispose();
      else this.pythonPrevious = { doc: previous!, tree: holder };
    }
    if (tree === TOO_COSTLY) {
      // Abandoned over its work allowance: asked again by every rule, it would be abandoned again.
      this.pythonParseAbandoned = true;
      this.previous = undefined;
      return undefined;
    }
    if (!tree) return undefined;
    this.previous = undefined;
    this.pythonTreeHolder ??= new PyTreeHolder(this);
    this.pythonTreeHolder.set(tree);
    return tree;
  }

  /**
   * The previous version and its tree as it was before this version's re-parse (which shared its
   * unchanged subtrees), once: the caller matches them and then frees the tree (`dispose()`).
   * Undefined for a document that is not open, a first version, or once taken.
   */
  takePythonPrevious(): { doc: ParsedDocument; tree: PyTreeHolder } | undefined {
    this.pythonTree;
    const taken = this.pythonPrevious;
    this.pythonPrevious = undefined;
    return taken;
  }

  /** Frees the previous version's tree this version kept, if it was never taken: never a chain of them. */
  private releasePythonPrevious(): void {
    this.pythonPrevious?.tree.dispose();
    this.pythonPrevious = undefined;
  }

  /** Frees what the WebAssembly heap holds for this version (its Python tree). Safe to call twice. */
  dispose(): void {
    this.pythonTreeHolder?.dispose();
    this.pythonTreeHolder = undefined;
    this.releasePythonPrevious();
    this.previous = undefined;
  }

  get yaml(): YamlParse {
    if (!this.yamlCache) {
      // A CloudFormation template is never a Helm template: its `{{resolve:ssm:...}}` dynamic
      // references are values, and its `!Ref`-style tags are known.
      const cloudFormation = this.kind === 'ecs';
      const templated = !cloudFormation && isHelmTemplate(this.path, this.text);
      const { text, actions } = templated ? maskTemplateActions(this.text) : { text: this.text, actions: [] };
      const lineCounter = new LineCounter();
      // parseAllDocuments, with the stream's error tokens capped: the composer takes quadratic time
      // over them (91,583 from 2,541 stray `]` in a 109 KB file: 3.3 s), and the first of them
      // already make the document unparsable, which is all the rules and the notice need.
      const parser = new Parser(lineCounter.addNewLine);
      // Duplicate keys are found below, in linear time: the composer's own check compares each key
      // with every earlier one of its map (2,600 keys in one map took 0.8 s).
      const composer = new Composer({ uniqueKeys: false, prettyErrors: false, ...(cloudFormation ? { customTags: CLOUDFORMATION_TAGS } : {}) });
      let errorTokens = 0;
      const tokens = Array.from(parser.parse(text)).filter((token) => token.type !== 'error' || ++errorTokens <= MAX_YAML_ERROR_TOKENS);
      const documents = Array.from(composer.compose(tokens)) as YamlDocument.Parsed[];
      if (!templated) for (const document of documents) reportDuplicateKeys(document);
      this.yamlCache = {
        documents,
        lineCounter,
        templated,
        templateActions: actions,
      };
    }
    return this.yamlCache;
  }

  get json(): JsonParse {
    if (!this.jsonCache) {
      const errors: JsonParseError[] = [];
      const root = parseTree(this.text, errors, { allowTrailingComma: true, disallowComments: false });
      this.jsonCache = { root, errors };
    }
    return this.jsonCache;
  }

  get dockerfile(): Dockerfile {
    if (!this.dockerfileCache) this.dockerfileCache = DockerfileParser.parse(this.text);
    return this.dockerfileCache;
  }

  /** The reason this document cannot be analysed (in full), if there is one. */
  parseProblem(): ParseProblem | undefined {
    switch (this.kind) {
      case 'kubernetes':
      case 'compose':
        return this.yamlProblem();
      case 'ecs': {
        if (isYamlPath(this.path)) return this.yamlProblem();
        const error = this.json.errors[0];
        if (!error) return undefined;
        const { line, character } = this.lines.positionAt(error.offset);
        return {
          start: error.offset,
          end: error.offset + Math.max(1, error.length),
          message: `JSON syntax error at line ${line + 1}, column ${character + 1}: ${printParseErrorCode(error.error)}. The file is not checked.`,
        };
      }
      default:
        return undefined;
    }
  }

  /** The first syntax error of a YAML file's documents, if any. */
  private yamlProblem(): ParseProblem | undefined {
    const { documents, templated } = this.yaml;
    // In a template, what does not parse is almost always the template language: say nothing.
    if (templated) return undefined;
    for (const document of documents) {
      const error = document.errors[0];
      if (!error) continue;
      const [start, end] = error.pos;
      // Errors carry no line and column without prettyErrors: they come from the offset.
      const position = this.lines.positionAt(start);
      const { line, col } = error.linePos?.[0] ?? { line: position.line + 1, col: position.character + 1 };
      const firstLine = error.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
      const others = documents.length > 1 ? '; the other documents in this file are still checked' : '';
      return {
        start,
        end: Math.max(end, start + 1),
        message: `YAML syntax error at line ${line}, column ${col}: ${firstLine}. This document is not checked${others}.`,
      };
    }
    return undefined;
  }
}

/** Adds the composer's "Map keys must be unique" error for the first repeated scalar key of each map. */
function reportDuplicateKeys(document: YamlDocument.Parsed): void {
  const nodes: unknown[] = [document.contents];
  while (nodes.length > 0) {
    const node = nodes.pop();
    if (isSeq(node)) nodes.push(...node.items);
    else if (isMap(node)) {
      const seen = new Set<unknown>();
      for (const pair of node.items) {
        nodes.push(pair.value);
        const key = pair.key;
        if (!isScalar(key)) continue;
        if (seen.has(key.value)) {
          const start = key.range?.[0] ?? 0;
          document.errors.push(new YAMLParseError([start, start + 1], 'DUPLICATE_KEY', 'Map keys must be unique'));
        }
        seen.add(key.value);
      }
    }
  }
}

/**
 * No rule reads JSDoc, and parsing it is a fifth to two fifths of the parse of published JavaScript
 * (measured by `npm run bench`); the incremental parser keeps the mode of the tree it updates.
 */
export const PARSE_OPTIONS: ts.CreateSourceFileOptions = { languageVersion: ts.ScriptTarget.Latest, jsDocParsingMode: ts.JSDocParsingMode.ParseNone };

export function scriptKind(path: string): ts.ScriptKind {
  const lower = path.toLowerCase();
  if (lower.endsWith('.tsx')) return ts.ScriptKind.TSX;
  if (lower.endsWith('.jsx')) return ts.ScriptKind.JSX;
  if (/\.[cm]?ts$/.test(lower)) return ts.ScriptKind.TS;
  return ts.ScriptKind.JS;
}

/** The change between two versions of a text, as the incremental parser wants it. */
function changeRange(edit: TextEdit): ts.TextChangeRange {
  return ts.createTextChangeRange(ts.createTextSpan(edit.start, edit.end - edit.start), edit.newText.length);
}
