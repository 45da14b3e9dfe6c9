// print-call: `print(...)` in Python service code, where a logger belongs.

import type { Fix, Rule, RuleFinding, TextEdit } from '../../engine/types';
import type { ParsedDocument } from '../../engine/document';
import type { PyNode } from '../../engine/python';
import { optedOutElsewhere } from '../../engine/opt-outs';
import { AnchoredPattern } from '../../engine/anchored';
import { calleeOf, callArguments, moduleFacts, qualifiedName, type ModuleFacts } from '../python/module-facts';
import { moduleLogger } from '../python/loggers';
import { pythonDebugOnly, pythonFlagsOff } from './debug-only';
import { settingsModule } from '../../engine/model/python-settings';

/** Streams a print to which is output, not a log line written to a file or a buffer. */
const STANDARD_STREAMS = new Set(['sys.stdout', 'sys.stderr']);

interface PrintSite {
  call: PyNode;
  callee: PyNode;
  toStderr: boolean;
}

/**
 * `def print(` at the start of a line. As `/^\s*def\s+print\s*\(/m`, but tried only where `def`
 * occurs (the lookbehind after it, not before: before, it would run back over every blank at every
 * position): at every keystroke of a 5,000-line module the whole-text search was 1 ms.
 */
const DEFINES_PRINT = new AnchoredPattern(/def(?<=^\s*def)\s+print\s*\(/m, ['def']);

/** `print` the builtin: not imported, assigned or defined under that name in the module. */
function printIsBuiltin(facts: ModuleFacts, doc: ParsedDocument): boolean {
  if (facts.imports.has('print')) return false;
  for (const key of facts.assignments.keys()) if (key.endsWith(':print')) return false;
  return !doc.testAnchored(DEFINES_PRINT);
}

const sitesOf = new WeakMap<ParsedDocument, { facts: ModuleFacts; sites: PrintSite[]; byStart: Map<number, PrintSite> } | undefined>();

/** The document's print sites, once per version: `fixes` asks for every finding. */
function sites(doc: ParsedDocument): { facts: ModuleFacts; sites: PrintSite[]; byStart: Map<number, PrintSite> } | undefined {
  if (!sitesOf.has(doc)) sitesOf.set(doc, findSites(doc));
  return sitesOf.get(doc);
}

function findSites(doc: ParsedDocument): { facts: ModuleFacts; sites: PrintSite[]; byStart: Map<number, PrintSite> } | undefined {
  const facts = moduleFacts(doc);
  if (!facts || !printIsBuiltin(facts, doc)) return undefined;
  const out: PrintSite[] = [];
  // A settings module's top level runs once at import, before the app configures logging: a print
  // there is a start-up notice (a deprecated variable, a plugin loaded) with no logger to go to yet.
  const settings = settingsModule(doc) !== undefined;
  const flagsOff = pythonFlagsOff(doc.text);
  for (const call of facts.calls) {
    if (settings && atImportTime(call)) continue;
    const callee = calleeOf(facts, call);
    if (callee?.type !== 'identifier' || callee.text !== 'print') continue;
    const args = callArguments(call);
    const file = args.keywords.get('file')?.value;
    // `print(row, file=out)` writes to a file or a buffer: output, not logging.
    if (file && !STANDARD_STREAMS.has(qualifiedName(facts, file) ?? '')) continue;
    if (optedOutElsewhere(doc, 'print-call', callee.startIndex)) continue;
    // Output behind a debug flag the module hard-codes off (`DEBUG = False` ... `if DEBUG: print(...)`):
    // dead code. A flag read at run time (`settings.DEBUG`, an environment variable) is on in some
    // deployments, and the print is then the service's output: still flagged.
    if (pythonDebugOnly(call, flagsOff)) continue;
    out.push({ call, callee, toStderr: file !== undefined && qualifiedName(facts, file) === 'sys.stderr' });
  }
  return { facts, sites: out, byStart: new Map(out.map((s) => [s.callee.startIndex, s])) };
}

/** Outside any function: the statement runs when the module is imported. */
function atImportTime(node: PyNode): boolean {
  for (let p = node.parent; p; p = p.parent) if (p.type === 'function_definition' || p.type === 'lambda') return false;
  return true;
}

/** The logger call a print becomes, when its arguments say one message and nothing else. */
function replacement(doc: ParsedDocument, facts: ModuleFacts, site: PrintSite): Fix | undefined {
  const args = callArguments(site.call);
  if (args.splat || args.positional.length !== 1) return undefined;
  for (const name of args.keywords.keys()) if (name !== 'file' && name !== 'flush') return undefined;
  const list = args.list!;
  if (list.namedChildren.some((c) => c?.type === 'comment')) return undefined;
  const message = args.positional[0];
  const logger = moduleLogger(facts);
  const level = site.toStderr ? 'error' : 'info';
  const callEdit = (name: string): TextEdit => ({
    start: site.call.startIndex,
    end: site.call.endIndex,
    newText: `${name}.${level}(${message.text})`,
  });
  if (logger) return { title: `Log with ${logger.name}.${level}`, safe: true, edits: [callEdit(logger.name)] };
  // No logger in scope: add the stdlib one. Unsafe: with logging unconfigured, Python's last-resort
  // handler shows only warnings and above, so an info line would no longer appear.
  const insert = loggerInsertion(doc, facts);
  if (!insert) return undefined;
  return {
    title: `Log with a new logging.getLogger(__name__) logger (unsafe: unconfigured logging hides info lines)`,
    safe: false,
    edits: [insert, callEdit('logger')],
  };
}

/** Adds `import logging` (when missing) and `logger = logging.getLogger(__name__)` after the module's top-level imports. */
function loggerInsertion(doc: ParsedDocument, facts: ModuleFacts): TextEdit | undefined {
  const root = doc.pythonTree?.rootNode;
  if (!root || [...facts.assignments.keys()].includes('module:logger')) return undefined;
  const eol = doc.text.includes('\r\n') ? '\r\n' : '\n';
  let lastImport: PyNode | undefined;
  let docstring: PyNode | undefined;
  for (const statement of root.namedChildren) {
    if (!statement) continue;
    if (statement.type === 'import_statement' || statement.type === 'import_from_statement' || statement.type === 'future_import_statement') lastImport = statement;
    else if (!lastImport && !docstring && statement.type === 'expression_statement' && statement.namedChildren[0]?.type === 'string') docstring = statement;
    else if (statement.type !== 'comment') break;
  }
  const imported = facts.imports.get('logging') === 'logging';
  const lines = `${imported ? '' : `import logging${eol}`}${eol}logger = logging.getLogger(__name__)${eol}`;
  const after = lastImport ?? docstring;
  if (!after) return { start: 0, end: 0, newText: `${lines}${eol}` };
  return { start: after.endIndex, end: after.endIndex, newText: `${eol}${imported ? '' : `import logging${eol}`}${eol}logger = logging.getLogger(__name__)` };
}

export const printCall: Rule = {
  id: 'print-call',
  family: 'logging',
  kinds: ['python'],
  roles: ['service'],
  defaultSeverity: 'warning',
  fix: 'sometimes-safe',
  summary: '`print()` in Python service code writes plain text with no level, no fields and no request id.',
  docs: {
    whatItDoes: [
      'Flags calls of the builtin `print` in Python service code (not in tests, scripts, migrations or command line tools, nor in a file a Dockerfile `RUN` runs at build time or the image\'s entry script runs once before the command it ends with: see the project model). `print(..., file=out)` to anything but `sys.stdout` / `sys.stderr` writes to a file or a buffer and is not flagged, and neither is a module that imports, defines or assigns its own `print`.',
      'Debug-only output behind a flag the module hard-codes off is not flagged: a print in the branch of an `if` taken when the flag is on (`if DEBUG:`, `if DEBUG and rows:`, `if VERBOSITY > 1:`, the `else` of `if not DEBUG:`), or after a guard that leaves the block when it is off (`if not DEBUG or not queries: return`), where the module assigns that flag once, to `False` or `0` (`DEBUG = False`, `verbose: bool = False` in a class body): dead code until someone edits the source. A debug flag is a name whose words say `debug` or `verbose` (`DEBUG`, `PROVIDER_DEBUG`, `verbosity`), or `trace` / `enable_logging`. A flag read at run time (`settings.DEBUG`, `os.getenv("DEBUG")`, a config value) is still flagged: self-hosted deployments turn it on to troubleshoot, and the print is then the service\'s unstructured output (the real-world review judged such prints true findings; `console-log` differs here, see its page).',
      'A print at the top level of a settings module (`settings.py`, `*_settings.py`, a module of a `settings/` package, whose top level assigns three or more UPPER_CASE settings) is not flagged: it runs once at import, before the app configures logging (a deprecation notice, "plugin loaded"). A print inside a function of that module is checked as usual.',
      'The finding sits on `print`. `# noqa: T201` (Ruff / flake8-print) on the line, or a file-wide `# ruff: noqa: T201`, counts as the author\'s choice: no finding.',
    ].join('\n\n'),
    whyItMatters: [
      'Checklist: "Structured logging: JSON format with correlation IDs". A print is a line of text on stdout with no level to filter on, no timestamp, no logger name and no request id; under gunicorn or uvicorn it interleaves with other workers\' output and, block-buffered when stdout is not a terminal, may appear minutes late or be lost when the process is killed.',
      'A logger (`logging.getLogger(__name__)`, structlog, loguru) writes events with a level and fields that the platform\'s log pipeline can search, count and alert on.',
    ].join('\n\n'),
    example: {
      path: 'app/orders.py',
      code: ['def pay(order):', '    print(f"order {order.id} paid")', ''].join('\n'),
    },
    useInstead: {
      path: 'app/orders.py',
      code: ['import logging', '', 'logger = logging.getLogger(__name__)', '', '', 'def pay(order):', '    logger.info("order paid", extra={"order_id": order.id})', ''].join('\n'),
    },
    fixSafety: [
      'When the module already has a logger (`logger = logging.getLogger(__name__)`, `log = structlog.get_logger()`, loguru\'s `from loguru import logger`), the fix calls it at `info` (`error` for `file=sys.stderr`) with the same message: safe. `interpolated-log-message` then offers to turn an f-string message into fields.',
      'Without one, the fix adds `import logging` and `logger = logging.getLogger(__name__)` after the imports: unsafe, because with logging left unconfigured Python\'s last-resort handler shows only warnings and above, so the line would stop appearing until the service configures logging.',
      'No fix is offered when the print has several arguments, `sep=`/`end=`, a splat or a comment inside.',
    ].join('\n\n'),
    references: [
      'https://docs.python.org/3/howto/logging.html#when-to-use-logging',
      'https://docs.astral.sh/ruff/rules/print/',
      'https://www.structlog.org/en/stable/getting-started.html',
    ],
  },

  check(ctx): RuleFinding[] {
    return (sites(ctx.doc)?.sites ?? []).map((s) => ({
      ruffCode: 'T201',
      start: s.callee.startIndex,
      end: s.callee.endIndex,
      message: '`print()` in service code writes plain text to stdout with no level, no timestamp and no fields, and may sit in a buffer until the process exits. Use the module\'s logger.',
    }));
  },

  fixes(finding, ctx): Fix[] {
    const found = sites(ctx.doc);
    const site = found?.byStart.get(finding.start);
    const fix = found && site ? replacement(ctx.doc, found.facts, site) : undefined;
    return fix ? [fix] : [];
  },
};
