// The Python SIGTERM fixes of missing-sigterm-handler: a handler that stops what the module runs,
// written right before the statement that runs it, with the module's own import names.
//   serve_forever():        signal.signal(signal.SIGTERM, lambda signum, frame: threading.Thread(target=httpd.shutdown).start())
//   wait_for_termination(): signal.signal(signal.SIGTERM, lambda signum, frame: server.stop(10))
//   start_consuming():      signal.signal(signal.SIGTERM, lambda signum, frame: channel.stop_consuming())
//   loop.run_forever():     loop.add_signal_handler(signal.SIGTERM, loop.stop)
//   while True: (sync)      stopping = threading.Event(); signal.signal(..., lambda signum, frame: stopping.set()); while not stopping.is_set():
//   while True: (asyncio)   stopping = asyncio.Event(); asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stopping.set); ...
//   await asyncio.Future(): the same event, then `await stopping.wait()`
// `signal.signal` only works in the main thread: no fix for code that may run in another one.

import type { ParsedDocument } from '../../engine/document';
import type { PyNode } from '../../engine/python';
import type { Fix, TextEdit } from '../../engine/types';
import type { ModuleFacts } from '../python/module-facts';
import type { LoopKind } from './python-loops';

/** How the module can name `module.member` (`signal.SIGTERM`, or `SIGTERM` after `from signal import SIGTERM`), and the import it needs. */
function nameOf(facts: ModuleFacts, module: string, member: string, root: PyNode): { text: string; needs?: string } | undefined {
  const bound = facts.imports.get(module);
  if (bound === module) return { text: `${module}.${member}` };
  for (const [local, qualified] of facts.imports) if (qualified === `${module}.${member}`) return { text: local };
  // `import signal` can be added when nothing else is called `signal` here.
  if (bound !== undefined || usesName(root, module)) return undefined;
  return { text: `${module}.${member}`, needs: module };
}

function usesName(root: PyNode, name: string): boolean {
  return root.descendantsOfType('identifier').some((id) => id?.text === name);
}

function freeName(root: PyNode, preferred: readonly string[]): string {
  const used = new Set(root.descendantsOfType('identifier').map((id) => id?.text));
  for (const name of preferred) if (!used.has(name)) return name;
  for (let i = 2; ; i++) if (!used.has(`${preferred[0]}_${i}`)) return `${preferred[0]}_${i}`;
}

/** `import x` lines for modules the fix needs, placed among the module's plain imports in order. */
function importEdits(doc: ParsedDocument, root: PyNode, modules: readonly string[]): TextEdit[] {
  const eol = doc.lines.eol;
  const plain: PyNode[] = [];
  let afterHeader: PyNode | undefined;
  for (const statement of root.namedChildren) {
    if (!statement || statement.type === 'comment') continue;
    if (statement.type === 'import_statement') {
      plain.push(statement);
      continue;
    }
    if (plain.length > 0) break;
    if (statement.type === 'future_import_statement' || (statement.type === 'expression_statement' && statement.namedChildren[0]?.type === 'string')) {
      afterHeader = statement;
      continue;
    }
    if (statement.type === 'import_from_statement') continue;
    break;
  }
  const byAt = new Map<number, string[]>();
  for (const module of [...new Set(modules)].sort()) {
    const before = plain.find((s) => (s.namedChildren[0]?.text ?? '') > module);
    let at: number;
    let line: string;
    if (before) {
      at = before.startIndex;
      line = `import ${module}${eol}`;
    } else if (plain.length > 0) {
      at = plain[plain.length - 1].endIndex;
      line = `${eol}import ${module}`;
    } else if (afterHeader) {
      at = afterHeader.endIndex;
      line = `${eol}import ${module}`;
    } else {
      at = 0;
      line = `import ${module}${eol}${root.namedChildren.length > 0 ? eol : ''}`;
    }
    const list = byAt.get(at) ?? [];
    list.push(line);
    byAt.set(at, list);
  }
  return [...byAt].map(([at, lines]) => ({ start: at, end: at, newText: lines.join('') }));
}

/** The whitespace before the statement on its line, when the statement starts its line. */
function indentBefore(doc: ParsedDocument, statement: PyNode): string | undefined {
  const lineStart = doc.text.lastIndexOf('\n', statement.startIndex - 1) + 1;
  const before = doc.text.slice(lineStart, statement.startIndex);
  return /^[ \t]*$/.test(before) ? before : undefined;
}

export interface PythonFixSite {
  kind: LoopKind | 'serve-forever' | 'grpc';
  /** The statement the handler goes before. */
  statement: PyNode;
  /** The plain name of what the handler stops. */
  receiver?: string;
  mainThread: boolean;
  /** The `while` condition to replace (loops). */
  condition?: PyNode;
  /** The `await` expression to replace (`await asyncio.Future()`). */
  awaited?: PyNode;
  /** The method that stops a blocking consumer (`stop_consuming`). */
  stop?: string;
}

interface Built {
  title: string;
  safe: boolean;
  /** Lines inserted before the statement, without indentation. */
  lines: string[];
  /** A replacement inside the statement. */
  replace?: { node: PyNode; text: string };
  needs: string[];
}

export function pythonSigtermFix(
  doc: ParsedDocument,
  facts: ModuleFacts,
  root: PyNode,
  site: PythonFixSite,
  graceSeconds: number,
): Fix | undefined {
  if (!site.mainThread) return undefined;
  const indent = indentBefore(doc, site.statement);
  if (indent === undefined) return undefined;
  const sigterm = nameOf(facts, 'signal', 'SIGTERM', root);
  const signalCall = nameOf(facts, 'signal', 'signal', root);
  if (!sigterm || !signalCall) return undefined;
  const needs = [sigterm.needs, signalCall.needs].filter((n): n is string => n !== undefined);
  const install = (handler: string) => `${signalCall.text}(${sigterm.text}, lambda signum, frame: ${handler})`;
  let built: Built | undefined;
  const r = site.receiver;
  switch (site.kind) {
    case 'serve-forever': {
      const thread = nameOf(facts, 'threading', 'Thread', root);
      if (!r || !thread) return undefined;
      built = { title: `Shut '${r}' down on SIGTERM`, safe: true, lines: [install(`${thread.text}(target=${r}.shutdown).start()`)], needs: [...needs, ...(thread.needs ? [thread.needs] : [])] };
      break;
    }
    case 'grpc': {
      if (!r) return undefined;
      built = { title: `Stop '${r}' on SIGTERM`, safe: true, lines: [install(`${r}.stop(${graceSeconds})`)], needs };
      break;
    }
    case 'blocks': {
      if (!r || !site.stop) return undefined;
      built = { title: `Stop consuming on SIGTERM`, safe: false, lines: [install(`${r}.${site.stop}()`)], needs };
      break;
    }
    case 'run-forever': {
      if (!r) return undefined;
      built = { title: `Stop '${r}' on SIGTERM`, safe: true, lines: [`${r}.add_signal_handler(${sigterm.text}, ${r}.stop)`], needs: sigterm.needs ? [sigterm.needs] : [] };
      break;
    }
    case 'poll-loop':
    case 'async-loop':
    case 'async-forever': {
      const async = site.kind !== 'poll-loop';
      const event = nameOf(facts, async ? 'asyncio' : 'threading', 'Event', root);
      if (!event) return undefined;
      const flag = freeName(root, ['stopping', 'stop_requested', 'shutdown_requested']);
      const lines = [`${flag} = ${event.text}()`];
      const eventNeeds = event.needs ? [event.needs] : [];
      if (async) {
        const running = nameOf(facts, 'asyncio', 'get_running_loop', root);
        if (!running) return undefined;
        lines.push(`${running.text}().add_signal_handler(${sigterm.text}, ${flag}.set)`);
        if (running.needs) eventNeeds.push(running.needs);
      } else {
        lines.push(install(`${flag}.set()`));
      }
      const target = site.kind === 'async-forever' ? site.awaited : site.condition;
      if (!target) return undefined;
      built = {
        title: site.kind === 'async-forever' ? `Wait for SIGTERM instead of forever` : `Stop the loop on SIGTERM`,
        safe: false,
        lines,
        replace: { node: target, text: site.kind === 'async-forever' ? `await ${flag}.wait()` : `not ${flag}.is_set()` },
        needs: [...(async ? (sigterm.needs ? [sigterm.needs] : []) : needs), ...eventNeeds],
      };
      break;
    }
    default:
      return undefined;
  }
  if (!built) return undefined;
  const eol = doc.lines.eol;
  const lineStart = site.statement.startIndex - indent.length;
  const edits: TextEdit[] = [
    ...importEdits(doc, root, built.needs),
    { start: lineStart, end: lineStart, newText: built.lines.map((l) => `${indent}${l}${eol}`).join('') },
  ];
  if (built.replace) edits.push({ start: built.replace.node.startIndex, end: built.replace.node.endIndex, newText: built.replace.text });
  return { title: built.title, safe: built.safe, edits: edits.sort((a, b) => a.start - b.start) };
}
