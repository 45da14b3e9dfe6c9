// What a Python file's own text says it is for, after the path conventions (`test_*.py`, `tests/`,
// `conftest.py`, `migrations/`, `scripts/`, ... in roles.ts) have had their say: the modules it
// imports (a test framework, alembic, Django's management commands) and whether it is a command line
// program (a `#!` line, `if __name__ == "__main__":` with argparse, click or typer, and no server started),
// or a step an image's build or boot runs once (model/run-scripts.ts). Read from the same module
// facts the Python rules use; undefined means nothing says otherwise (service code).

import type { ParsedDocument } from '../document';
import { moduleFacts } from '../../rules/python/module-facts';
import type { RoleAnswer } from './roles';
import type { WorkspaceFacts } from '../workspace-facts';
import { AnchoredPattern } from '../anchored';

/** Top-level packages of test frameworks and test-only helpers. */
const TEST_MODULES = new Set(['pytest', 'unittest', 'hypothesis', 'pytest_asyncio', 'pytest_mock', 'responses', 'respx', 'freezegun', 'factory', 'testcontainers', 'behave', 'nose', 'nose2']);
/** Load-test tools: programs run by hand, not the service. */
const LOAD_TEST_MODULES = new Set(['locust']);
/** Command line argument parsers: a main guard that reads arguments is a tool. */
const CLI_MODULES = new Set(['argparse', 'click', 'typer', 'fire', 'docopt', 'optparse', 'getopt']);
/** A module that defines a click/typer command is a tool even without a main guard (run through an entry point). */
const CLI_COMMAND = /^@(?:click\.(?:command|group)|\w+\.command)\s*\(|\btyper\.Typer\s*\(/m;
/**
 * A call that starts a server in this file: a program reading arguments that also serves is the
 * service. Tried where its words occur (`app` also where `application` does, `run_` where `run_app`
 * and `run_simple` do): over the whole text it was 0.5 ms of every keystroke in a 5,000-line module.
 */
const STARTS_SERVER = new AnchoredPattern(
  /\b(?:uvicorn|hypercorn|waitress)\.(?:run|serve)\s*\(|\bserve_forever\s*\(|\brun_app\s*\(|\b(?:app|application)\.run\s*\(|\brun_simple\s*\(|\bwait_for_termination\s*\(/,
  ['uvicorn', 'hypercorn', 'waitress', 'serve_forever', 'run_', 'app', 'wait_for_termination'],
);

export function pythonRole(doc: ParsedDocument, workspace?: WorkspaceFacts): RoleAnswer | undefined {
  const facts = moduleFacts(doc);
  if (!facts) return undefined;
  const modules = new Set<string>();
  for (const qualified of facts.imports.values()) modules.add(qualified.split('.')[0]);
  const find = (set: ReadonlySet<string>) => [...modules].find((m) => set.has(m));

  const load = find(LOAD_TEST_MODULES);
  if (load) return { role: 'script', reason: `imports \`${load}\`: a load test`, source: 'content' };
  const test = find(TEST_MODULES);
  if (test) return { role: 'test', reason: `imports the test library \`${test}\``, source: 'content' };
  if (modules.has('alembic')) return { role: 'script', reason: 'imports `alembic`: a database migration', source: 'content' };
  // Django runs these through `manage.py <command>`: one-off commands (Django docs, "How to create custom django-admin commands").
  if ([...facts.imports.values()].some((q) => q.startsWith('django.core.management'))) {
    return { role: 'script', reason: 'imports `django.core.management`: a Django management command', source: 'content' };
  }

  if (doc.testAnchored(STARTS_SERVER)) return undefined;
  // The image's build or boot runs it once (`RUN python version.py`, an entry script's `python plugin.py`
  // before its `exec gunicorn ...`), and no app server runs it: a step, not the service.
  const run = workspace?.oneOffRunOf?.(doc.path);
  if (run && !workspace?.appServerOf(doc.path)) {
    const at = `${workspace!.relativePath(run.path)}:${run.line}`;
    const reason = run.how === 'build'
      ? `\`${run.command}\` (${at}) runs it while the image is built: a build-time script`
      : `\`${run.command}\` (${at}), in the entry script the ENTRYPOINT/CMD of ${workspace!.relativePath(run.dockerfile ?? run.path)} runs, runs it once before the command the script ends with: a start-up step, not the service`;
    return { role: 'script', reason, source: 'workspace', evidence: { path: run.path, line: run.line } };
  }
  // The project installs it as a command (`[project.scripts]`, setup.cfg `console_scripts`), and no app server runs it.
  const script = workspace?.pythonScriptOf(doc.path);
  if (script && !workspace?.appServerOf(doc.path)) {
    return { role: 'script', reason: `\`${script.name}\` in ${workspace!.relativePath(script.path)}:${script.line} installs it as a command: a command line tool`, source: 'package', evidence: { path: script.path, line: script.line } };
  }
  // A `#!` program that loops at its top level (a bot, a worker) is the service itself; one that runs through is a tool.
  if (doc.text.startsWith('#!') && !loopsAtTopLevel(doc)) {
    return { role: 'script', reason: 'starts with a `#!` line and runs through (no top-level loop, no server): a program run on its own', source: 'content' };
  }
  const cli = find(CLI_MODULES);
  if (cli && facts.mainGuard) {
    const line = doc.lines.positionAt(facts.mainGuard.startIndex).line + 1;
    return { role: 'script', reason: `runs \`if __name__ == "__main__":\` (line ${line}) and imports \`${cli}\`: a command line tool`, source: 'content' };
  }
  if ((cli === 'click' || cli === 'typer' || modules.has('click') || modules.has('typer')) && CLI_COMMAND.test(doc.text)) {
    return { role: 'script', reason: 'defines a click/typer command: a command line tool', source: 'content' };
  }
  if (facts.mainGuard && modules.has('sys') && /\bsys\.argv\b/.test(doc.text)) {
    return { role: 'script', reason: 'reads `sys.argv` under `if __name__ == "__main__":`: a command line tool', source: 'content' };
  }
  return undefined;
}

/** A `while` statement at module level or directly under `if __name__ == "__main__":`. */
function loopsAtTopLevel(doc: ParsedDocument): boolean {
  const root = doc.pythonTree?.rootNode;
  if (!root) return true;
  const loops = (statements: ReadonlyArray<{ type: string } | null>) => statements.some((s) => s?.type === 'while_statement');
  if (loops(root.namedChildren)) return true;
  const guard = moduleFacts(doc)?.mainGuard;
  const body = guard?.childForFieldName('consequence');
  return body ? loops(body.namedChildren) : false;
}
