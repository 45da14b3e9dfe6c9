// One measurement in a fresh process (so one run's JIT warm-up, caches and heap never help the
// next): `node --import tsx bench/worker.ts <mode> <input.json>`. Prints one JSON line.
//
//   parse       TypeScript's parser alone (ts.createSourceFile, parents set, the engine's options)
//   eslint      ESLint's Node API, flat config with only no-console, one process
//   rules       The engine's parse and each rule's check timed apart: what each rule adds to the parse
//   yaml-parse  The yaml package alone (parseAllDocuments with a LineCounter, as the engine calls it)
//   index       The workspace index build (WorkspaceIndex.build) over a folder
//   reparse     TypeScript's incremental re-parse alone (ts.updateSourceFile, the engine's options and
//               change range) for the keystrokes of the edit-latency sessions: the floor under them

import * as fs from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';

interface Input {
  files: string[];
  /** eslint: files to parse as CommonJS scripts (the rest are modules). */
  scripts?: string[];
  cwd?: string;
  /** rules / index: the repository whose engine to load (default: this one). */
  src?: string;
  /** parse: TypeScript's default options (JSDoc parsed) instead of the engine's. */
  tsDefaults?: boolean;
  /** index: the folders to index (workspace folders). */
  roots?: string[];
  /** reparse: what is typed, one character a keystroke, at the start of `line` of files[0]; the first `warmup` keystrokes are not timed. */
  typed?: string;
  line?: number;
  warmup?: number;
}

/** CPU time (user + system, every thread) since `from`, ms. */
function cpuMs(from: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(from);
  return (used.user + used.system) / 1000;
}

function scriptKindOf(ts: typeof import('typescript'), file: string) {
  const lower = file.toLowerCase();
  if (lower.endsWith('.tsx')) return ts.ScriptKind.TSX;
  if (lower.endsWith('.jsx')) return ts.ScriptKind.JSX;
  if (/\.[cm]?ts$/.test(lower)) return ts.ScriptKind.TS;
  return ts.ScriptKind.JS;
}

async function parseOnly(input: Input) {
  const { ts } = await import('ts-morph');
  // The parser as the engine calls it (its options), or with TypeScript's defaults (JSDoc parsed).
  const { PARSE_OPTIONS } = require('../server/src/engine/document') as typeof import('../server/src/engine/document');
  const options = input.tsDefaults ? ts.ScriptTarget.Latest : PARSE_OPTIONS;
  let bytes = 0;
  let nodes = 0;
  const cpu0 = process.cpuUsage();
  const started = performance.now();
  for (const file of input.files) {
    const text = fs.readFileSync(file, 'utf8');
    bytes += Buffer.byteLength(text);
    const sf = ts.createSourceFile(file, text, options, true, scriptKindOf(ts as never, file));
    nodes += sf.statements.length;
  }
  return { files: input.files.length, bytes, ms: performance.now() - started, cpuMs: cpuMs(cpu0), statements: nodes };
}

/**
 * The keystrokes `editLatency` (lsp.ts) sends, applied to the file's text and re-parsed as the engine
 * does for an open document (document.ts: the change range from the two texts' common prefix and
 * suffix, then ts.updateSourceFile); each keystroke's time is that of those two steps only.
 */
async function reparseOnly(input: Input) {
  const { ts } = await import('ts-morph');
  const { PARSE_OPTIONS, scriptKind } = require('../server/src/engine/document') as typeof import('../server/src/engine/document');
  const { minimalEdit } = require('../server/src/engine/edits') as typeof import('../server/src/engine/edits');
  const file = input.files[0];
  let text = fs.readFileSync(file, 'utf8');
  const typed = input.typed ?? '';
  let offset = text.split('\n').slice(0, input.line ?? 0).reduce((n, l) => n + l.length + 1, 0);
  let sf = ts.createSourceFile(file, text, PARSE_OPTIONS, true, scriptKind(file) as never);
  const latencies: number[] = [];
  for (let i = 0; i < typed.length; i++) {
    const next = text.slice(0, offset) + typed[i] + text.slice(offset);
    const started = performance.now();
    const edit = minimalEdit(text, next);
    sf = ts.updateSourceFile(sf, next, ts.createTextChangeRange(ts.createTextSpan(edit.start, edit.end - edit.start), edit.newText.length));
    if (i >= (input.warmup ?? 0)) latencies.push(performance.now() - started);
    text = next;
    offset++;
  }
  return { latencies, statements: sf.statements.length };
}

async function eslint(input: Input) {
  const { ESLint } = require('eslint') as typeof import('eslint');
  const cwd = input.cwd ?? process.cwd();
  const rel = (f: string) => path.relative(cwd, f).split(path.sep).join('/');
  const cpu0 = process.cpuUsage();
  const started = performance.now();
  const linter = new ESLint({
    cwd,
    overrideConfigFile: true,
    overrideConfig: [
      {
        files: ['**/*.js', '**/*.mjs', '**/*.cjs', '**/*.jsx'],
        languageOptions: { ecmaVersion: 'latest', sourceType: 'module', parserOptions: { ecmaFeatures: { jsx: true } } },
        rules: { 'no-console': 'error' },
      },
      ...(input.scripts && input.scripts.length > 0 ? [{ files: input.scripts.map(rel), languageOptions: { sourceType: 'commonjs' as const } }] : []),
    ],
  });
  const results = await linter.lintFiles(input.files);
  const ms = performance.now() - started;
  const cpu = cpuMs(cpu0);
  let fatal = 0;
  let consoleFindings = 0;
  for (const r of results) {
    fatal += r.fatalErrorCount;
    consoleFindings += r.messages.filter((m) => m.ruleId === 'no-console').length;
  }
  let bytes = 0;
  for (const file of input.files) bytes += fs.statSync(file).size;
  return { files: results.length, bytes, ms, cpuMs: cpu, fatal, consoleFindings };
}

/** The row of the per-rule table that times the project model's file-role answer. */
const MODEL_ENTRY = '(project model: file role)';
/** The row that times the service facts (routes, ports, drain timers, path words) the workspace index reads from each JS/TS file; "findings" counts files that serve routes or listen. */
const SERVICE_ENTRY = '(project model: service facts)';

async function rules(input: Input) {
  const src = input.src ?? path.resolve(__dirname, '..');
  const { registry } = await import(path.join(src, 'server/src/rules/index.ts'));
  const { prepare } = await import(path.join(src, 'server/src/engine/source.ts'));
  const analyzeModule = await import(path.join(src, 'server/src/engine/analyze.ts'));
  const { ruleContext } = analyzeModule;
  // The project model's answer (what the file is for), once per file as analyze() asks it; absent in older engines.
  const roleOf: ((doc: unknown, options: unknown) => unknown) | undefined = analyzeModule.roleOf;
  const { EMPTY_CONFIG } = await import(path.join(src, 'server/src/engine/config.ts'));
  // The service facts module (absent in older engines).
  const serviceModule = path.join(src, 'server/src/engine/model/service-facts.ts');
  const service = fs.existsSync(serviceModule) ? await import(serviceModule) : undefined;
  const perRule = new Map<string, { ms: number; findings: number; crashes: number }>();
  let parseMs = 0;
  let bytes = 0;
  let analysed = 0;
  const options = { registry, config: EMPTY_CONFIG };
  for (const file of input.files) {
    const text = fs.readFileSync(file, 'utf8');
    bytes += Buffer.byteLength(text);
    const prepared = prepare({ path: file, relativePath: path.basename(file), text });
    if (prepared.status !== 'document') continue;
    analysed++;
    const doc = prepared.doc;
    const t0 = performance.now();
    // The parse every rule of the kind shares.
    if (doc.kind === 'js') void doc.sourceFile;
    else if (doc.kind === 'ecs') void doc.json;
    else if (doc.kind === 'dockerfile') void doc.dockerfile;
    else void doc.yaml;
    void doc.parseProblem();
    parseMs += performance.now() - t0;
    let role: unknown;
    if (roleOf) {
      const entry = perRule.get(MODEL_ENTRY) ?? { ms: 0, findings: 0, crashes: 0 };
      const t2 = performance.now();
      role = roleOf(doc, options);
      entry.ms += performance.now() - t2;
      perRule.set(MODEL_ENTRY, entry);
    }
    if (service && doc.kind === 'js') {
      // What the workspace index computes for every JS/TS file; timed before the rules that reuse it.
      const entry = perRule.get(SERVICE_ENTRY) ?? { ms: 0, findings: 0, crashes: 0 };
      const t3 = performance.now();
      try {
        service.pathLiteralWords(text);
        const facts = prefilterPasses(service.SERVICE_FACTS_PREFILTER, text) ? service.jsServiceFacts(doc) : undefined;
        if (facts && (facts.listens.length > 0 || facts.routers.some((r: { routes: unknown[] }) => r.routes.length > 0) || facts.controllers.length > 0)) entry.findings++;
      } catch {
        entry.crashes++;
      }
      entry.ms += performance.now() - t3;
      perRule.set(SERVICE_ENTRY, entry);
    }
    for (const rule of registry.forKind(doc.kind)) {
      const entry = perRule.get(rule.id) ?? { ms: 0, findings: 0, crashes: 0 };
      const t1 = performance.now();
      try {
        entry.findings += rule.check(role ? ruleContext(rule, doc, options, role) : ruleContext(rule, doc, options)).length;
      } catch {
        entry.crashes++;
      }
      entry.ms += performance.now() - t1;
      perRule.set(rule.id, entry);
    }
  }
  return { files: analysed, bytes, parseMs, rules: Object.fromEntries([...perRule].sort(([a], [b]) => a.localeCompare(b))) };
}

async function yamlParse(input: Input) {
  const { LineCounter, parseAllDocuments } = await import('yaml');
  let bytes = 0;
  let documents = 0;
  const cpu0 = process.cpuUsage();
  const started = performance.now();
  for (const file of input.files) {
    const text = fs.readFileSync(file, 'utf8');
    bytes += Buffer.byteLength(text);
    const parsed = parseAllDocuments(text, { lineCounter: new LineCounter(), prettyErrors: false });
    documents += Array.isArray(parsed) ? parsed.length : 0;
  }
  const ms = performance.now() - started;
  const cpu = cpuMs(cpu0);
  // The same files again in the same process: the parser's speed once the JIT has warmed up.
  const texts = input.files.map((file) => fs.readFileSync(file, 'utf8'));
  const warmCpu0 = process.cpuUsage();
  const warmStarted = performance.now();
  for (const text of texts) parseAllDocuments(text, { lineCounter: new LineCounter(), prettyErrors: false });
  return { files: input.files.length, bytes, ms, cpuMs: cpu, documents, warm: { ms: performance.now() - warmStarted, cpuMs: cpuMs(warmCpu0) } };
}

async function indexBuild(input: Input) {
  const src = input.src ?? path.resolve(__dirname, '..');
  const module = path.join(src, 'server/src/engine/workspace-index.ts');
  if (!fs.existsSync(module)) return { unavailable: `${path.relative(process.cwd(), module)} does not exist on this branch` };
  const { WorkspaceIndex } = await import(module);
  const index = new WorkspaceIndex();
  const cpu0 = process.cpuUsage();
  const started = performance.now();
  const stats = (await index.build(input.roots ?? [])) as { files: number; parsed: number; durationMs: number };
  const ms = performance.now() - started;
  const cpu = cpuMs(cpu0);
  return { cpuMs: cpu, files: stats.files, parsed: stats.parsed, ms, handlers: (index.handlerFiles() as string[]).length, serviceFacts: await serviceFactsCost(src, index, input.roots ?? []) };
}

/**
 * What the route/port facts cost inside that build (issue 17): reading each source file's routes,
 * mounts, listen calls and drain timers once it is parsed (the parse is timed apart: the index shares
 * it with the SIGTERM facts), and joining them per package (`serviceOf`, `deploymentOf`).
 */
/** The service facts' prefilter of the engine under test: a RegExp, or (since 6fdc0d5) an AnchoredPattern around one. */
function prefilterPasses(prefilter: RegExp | { pattern: RegExp }, text: string): boolean {
  return (prefilter instanceof RegExp ? prefilter : prefilter.pattern).test(text);
}

async function serviceFactsCost(src: string, index: { serviceOf?(dir: string): { routes: unknown[]; listens: unknown[] } | undefined; deploymentOf?(dir: string): unknown }, roots: string[]) {
  const module = path.join(src, 'server/src/engine/model/service-facts.ts');
  if (!fs.existsSync(module) || !index.serviceOf) return undefined;
  const { SERVICE_FACTS_PREFILTER, jsServiceFacts } = await import(module);
  const { ParsedDocument } = await import(path.join(src, 'server/src/engine/document.ts'));
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
      const p = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(p);
      else if (/\.(?:[cm]?[jt]s|[jt]sx)$/.test(entry.name) && !entry.name.endsWith('.d.ts')) files.push(p);
    }
  };
  for (const root of roots) walk(root);
  let parseMs = 0;
  let factsMs = 0;
  let factsCpuMs = 0;
  let read = 0;
  let routes = 0;
  let listens = 0;
  for (const file of files) {
    const text = fs.readFileSync(file, 'utf8');
    if (!prefilterPasses(SERVICE_FACTS_PREFILTER, text)) continue;
    read++;
    const doc = new ParsedDocument({ path: file, relativePath: path.basename(file), text, kind: 'js' });
    let t = performance.now();
    void doc.sourceFile;
    parseMs += performance.now() - t;
    t = performance.now();
    const c = process.cpuUsage();
    jsServiceFacts(doc);
    factsMs += performance.now() - t;
    factsCpuMs += cpuMs(c);
  }
  const t = performance.now();
  for (const root of roots) {
    const service = index.serviceOf(root);
    index.deploymentOf?.(root);
    routes += service?.routes.length ?? 0;
    listens += service?.listens.length ?? 0;
  }
  return { sourceFiles: files.length, read, parseMs, factsMs, factsCpuMs, joinMs: performance.now() - t, routes, listens };
}

async function main() {
  const [mode, inputFile] = process.argv.slice(2);
  const input = JSON.parse(fs.readFileSync(inputFile, 'utf8')) as Input;
  const run = { parse: parseOnly, eslint, rules, 'yaml-parse': yamlParse, index: indexBuild, reparse: reparseOnly }[mode];
  if (!run) throw new Error(`unknown mode ${mode}`);
  const result = await run(input);
  process.stdout.write(`${JSON.stringify({ ...result, maxRssKb: process.resourceUsage().maxRSS })}\n`);
}

main().catch((error) => {
  process.stderr.write(`${error?.stack ?? error}\n`);
  process.exit(1);
});
