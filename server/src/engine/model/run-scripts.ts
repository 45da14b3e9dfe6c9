// Python files a container's build or boot runs once: `RUN python version.py` in a Dockerfile runs
// while the image is built, and an entry script (the one the image's ENTRYPOINT/CMD names) that runs
// `python plugin.py` before the command it ends with runs it once at every start, then goes on. Such
// a file is a one-off script, not the service (file-role.ts asks `WorkspaceFacts.oneOffRunOf`).
// What the image keeps running is never one: the Dockerfile's CMD/ENTRYPOINT program, an entry
// script's last command (`exec gunicorn ...`, `exec python server.py`), a program started in the
// background (`python worker.py &`) or in a loop (`while true; do python poll.py; done`). Pure
// functions of text; the workspace index keeps their answers for files nobody has open.

import * as path from 'node:path';
import { commandWords, entryScriptSources, isEntryScriptPath } from './entry-scripts';

/** A Python program a command line runs: the `.py` it names as written, and the 1-based line. */
export interface PythonRun {
  program: string;
  line: number;
  /** The command as written, shortened, for `explain`. */
  command: string;
}

const PYTHON = /^(?:.*\/)?python(?:\d+(?:\.\d+)*)?$/;
/** Runners that take a program after `run` (`poetry run python x.py`, `uv run x.py`). */
const RUNNERS = new Set(['poetry', 'pipenv', 'pdm', 'uv', 'hatch', 'rye']);
/** Interpreter options that take a value (the next word). */
const VALUED_OPTIONS = new Set(['-W', '-X', '--check-hash-based-pycs']);

function shorten(text: string): string {
  const one = text.trim().replace(/\s+/g, ' ');
  return one.length > 60 ? `${one.slice(0, 57)}...` : one;
}

/**
 * The `.py` file a command's words run with the Python interpreter, or undefined (`python -m x`,
 * `python -c ...`, another program). Leading `VAR=value` assignments, `exec` and a runner's `run` are skipped.
 */
export function pythonProgramOf(words: readonly string[]): string | undefined {
  let k = 0;
  while (k < words.length && /^[A-Za-z_]\w*=/.test(words[k])) k++;
  if (words[k] === 'exec') k++;
  if (RUNNERS.has(words[k] ?? '') && words[k + 1] === 'run') {
    k += 2;
    if (/^[\w./-]+\.py$/.test(words[k] ?? '')) return words[k];
  }
  if (!PYTHON.test(words[k] ?? '')) return undefined;
  for (k++; k < words.length; k++) {
    const w = words[k];
    if (w === '-c' || w === '-m' || w === '-') return undefined;
    if (VALUED_OPTIONS.has(w)) {
      k++;
      continue;
    }
    if (w.startsWith('-')) continue;
    return /^[\w./-]+\.py$/.test(w) ? w.replace(/^['"]|['"]$/g, '') : undefined;
  }
  return undefined;
}

/** One shell line as commands: split on `&&`, `||`, `;` and `|`, each with whether it runs in the background. */
function commandsOf(line: string): Array<{ words: string[]; background: boolean }> {
  const out: Array<{ words: string[]; background: boolean }> = [];
  for (const part of line.split(/\s*(?:&&|\|\||;|\|)\s*/)) {
    const background = /(?:^|[^&>])&\s*$/.test(part);
    const words = part.replace(/&\s*$/, '').trim().split(/\s+/).filter(Boolean);
    // The keywords that lead a command inside a compound one (`if x; then python a.py; fi`).
    while (words.length > 0 && /^(?:then|do|else|if|elif|while|until|!)$/.test(words[0])) words.shift();
    if (words.length > 0) out.push({ words: words.map((w) => w.replace(/^['"]|['"]$/g, '')), background });
  }
  return out;
}

export interface ShellPythonRuns {
  /** Programs run in the foreground before the script's last command: they finish, and the script goes on. */
  oneOff: Array<PythonRun & { cwd: string }>;
  /** Programs the script keeps running: its last command, one in the background or in a loop. */
  kept: Array<{ program: string; cwd: string }>;
}

const OPENS = /^(?:if|case|for|while|until|select)\b|^\{$|^function\s+\w+|^\w+\s*\(\s*\)\s*\{?\s*$/;
const CLOSES = /^(?:fi|esac|done|\})(?:\s*[;&|>].*)?$/;

/**
 * The Python programs a shell script runs, split into the one-offs it runs before its last command and
 * the ones it keeps running. `cd DIR` at the top level (a literal path) changes the folder later
 * programs are resolved against; `cwd` is that folder, relative to the one the script starts in (`.`).
 */
export function shellPythonRuns(text: string): ShellPythonRuns {
  const out: ShellPythonRuns = { oneOff: [], kept: [] };
  if (/^#!/.test(text) && !/^#!\s*\S*(?:\/|env\s+)(?:sh|bash|ash|dash|zsh)\b/.test(text)) return out;
  const lines = text.split(/\r?\n/);
  const found: Array<PythonRun & { cwd: string; unit: number; inBlock: boolean; background: boolean; lastInLine: boolean; looped: boolean }> = [];
  const stack: string[] = [];
  let cwd = '.';
  /** The top-level statement (a command line or a whole block) a command belongs to. */
  let unit = 0;
  let heredoc: string | undefined;
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i].trim();
    const first = i;
    if (heredoc !== undefined) {
      if (line === heredoc) heredoc = undefined;
      continue;
    }
    while (line.endsWith('\\') && i + 1 < lines.length) line = `${line.slice(0, -1)} ${lines[++i].trim()}`;
    if (line === '' || line.startsWith('#')) continue;
    const doc = /<<-?\s*['"]?(\w+)['"]?/.exec(line);
    if (doc) heredoc = doc[1];
    line = line.replace(/\s+#.*$/, '');
    if (stack.length === 0) unit++;
    const opener = OPENS.exec(line)?.[0];
    if (opener) {
      const oneLine = /\b(?:fi|done|esac)\s*;?\s*$|\}\s*;?\s*$/.test(line);
      stack.push(/^(?:for|while|until|select)\b/.test(opener) ? 'loop' : /^function\b|\(\s*\)/.test(line) ? 'function' : 'block');
      collect(line, first);
      if (oneLine) stack.pop();
      continue;
    }
    if (CLOSES.test(line)) {
      stack.pop();
      continue;
    }
    collect(line, first);
    if (stack.length === 0) {
      const cd = /^cd\s+([\w./-]+)\s*$/.exec(line);
      if (cd) cwd = cd[1].startsWith('/') ? cd[1] : path.posix.join(cwd, cd[1]);
    }
  }
  for (const run of found) {
    // The script's last top-level statement is what it ends with: the app (exec'd or not). Conservative
    // inside a block there (`if ...; then python a.py; else exec gunicorn ...; fi`): kept.
    const last = run.unit === unit && (run.inBlock || run.lastInLine);
    if (run.background || run.looped || last) out.kept.push({ program: run.program, cwd: run.cwd });
    else out.oneOff.push({ program: run.program, line: run.line, command: run.command, cwd: run.cwd });
  }
  return out;

  function collect(line: string, lineIndex: number): void {
    const commands = commandsOf(line);
    commands.forEach((c, k) => {
      const program = pythonProgramOf(c.words);
      if (!program) return;
      const looped = stack.includes('loop') || stack.includes('function');
      found.push({ program, line: lineIndex + 1, command: shorten(c.words.join(' ')), cwd, unit, inBlock: stack.length > 0, background: c.background, lastInLine: k === commands.length - 1, looped });
    });
  }
}

export interface DockerfileRuns {
  /** Python programs RUN instructions run while the image is built, as absolute paths in the image. */
  build: Array<PythonRun & { imagePath: string }>;
  /** Python programs the final stage's ENTRYPOINT/CMD runs, as absolute paths in the image. */
  kept: string[];
  /** Entry scripts the final stage's ENTRYPOINT/CMD names, as written, with the WORKDIR they start in. */
  entryScripts: string[];
  workdir: string;
}

/** What a Dockerfile runs with Python, read from its instructions (no parse): see `DockerfileRuns`. */
export function dockerfileRuns(text: string): DockerfileRuns {
  const out: DockerfileRuns = { build: [], kept: [], entryScripts: [], workdir: '/' };
  const lines = text.split(/\r?\n/);
  let workdir = '/';
  let entry: string[] = [];
  let cmd: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i];
    const first = i;
    while (/\\\s*$/.test(line) && i + 1 < lines.length) line = `${line.replace(/\\\s*$/, ' ')}${lines[++i]}`;
    const m = /^\s*([A-Za-z]+)\s+(.*)$/.exec(line);
    if (!m) continue;
    const keyword = m[1].toUpperCase();
    const rest = m[2];
    if (keyword === 'FROM') {
      workdir = '/';
      entry = [];
      cmd = [];
    } else if (keyword === 'WORKDIR') {
      if (!/[$]/.test(rest.trim())) workdir = path.posix.resolve(workdir, rest.trim());
    } else if (keyword === 'ENTRYPOINT') entry = commandWords(rest).words;
    else if (keyword === 'CMD') cmd = commandWords(rest).words;
    else if (keyword === 'RUN') {
      const body: Array<{ text: string; line: number }> = [];
      const doc = /<<-?\s*['"]?(\w+)['"]?\s*$/.exec(rest);
      if (doc) {
        // `RUN <<EOF` ... `EOF`: the heredoc's lines are the script.
        for (i++; i < lines.length && lines[i].trim() !== doc[1]; i++) body.push({ text: lines[i], line: i + 1 });
      } else {
        const words = commandWords(rest.replace(/^(?:--\S+\s+)+/, ''));
        body.push({ text: words.exec ? words.words.join(' ') : rest, line: first + 1 });
      }
      let cwd = workdir;
      for (const { text: script, line: at } of body) {
        for (const c of commandsOf(script)) {
          if (c.words[0] === 'cd' && c.words[1] && !/[$]/.test(c.words[1])) cwd = path.posix.resolve(cwd, c.words[1]);
          const program = pythonProgramOf(c.words);
          if (program) out.build.push({ program, line: at, command: shorten(`RUN ${c.words.join(' ')}`), imagePath: path.posix.resolve(cwd, program) });
        }
      }
    }
  }
  out.workdir = workdir;
  const words = [...entry, ...cmd];
  // `CMD ["python", "app.py"]`, `ENTRYPOINT ["tini", "--", "python", "app.py"]`, `sh -c "python app.py"`:
  // what the container keeps running, wherever in the words the interpreter comes.
  const sequences = [words, ...words.flatMap((w) => (/\s/.test(w) ? [w.split(/\s+/)] : []))];
  for (const seq of sequences) {
    for (let j = 0; j < seq.length; j++) {
      const program = pythonProgramOf(seq.slice(j));
      if (program) out.kept.push(path.posix.resolve(workdir, program));
    }
  }
  for (const w of words) if (isEntryScriptPath(w) && !out.entryScripts.includes(w)) out.entryScripts.push(w);
  return out;
}

/** Where a file of the repository is run once, and why (the reason `explain` shows). */
export interface OneOffRun {
  /** The Dockerfile or entry script that runs it, and the line. */
  path: string;
  line: number;
  how: 'build' | 'boot';
  command: string;
  /** For `boot`: the Dockerfile whose ENTRYPOINT/CMD names the entry script. */
  dockerfile?: string;
}

/**
 * The repository files a Dockerfile's build and boot run once: its RUN programs, and the one-off programs
 * of the entry scripts it names (`scripts` answers an entry script file of the repository with its runs).
 * A file the image also keeps running (its CMD, an entry script's last command) is left out.
 */
export function oneOffRunsOf(dockerfilePath: string, dockerfileText: string, runs: DockerfileRuns, scripts: (file: string) => ShellPythonRuns | undefined): Map<string, OneOffRun> {
  const out = new Map<string, OneOffRun>();
  const kept = new Set<string>();
  const sources = (imagePath: string) => entryScriptSources(dockerfilePath, dockerfileText, imagePath);
  for (const k of runs.kept) for (const f of sources(k)) kept.add(f);
  const boot: Array<[string, OneOffRun]> = [];
  for (const script of runs.entryScripts) {
    for (const file of sources(script)) {
      const shell = scripts(file);
      if (!shell) continue;
      const at = (program: string, cwd: string) => path.posix.resolve(runs.workdir, cwd, program);
      for (const k of shell.kept) for (const f of sources(at(k.program, k.cwd))) kept.add(f);
      for (const r of shell.oneOff) {
        for (const f of sources(at(r.program, r.cwd))) boot.push([f, { path: file, line: r.line, how: 'boot', command: r.command, dockerfile: dockerfilePath }]);
      }
      break;
    }
  }
  for (const r of runs.build) {
    for (const f of sources(r.imagePath)) if (!out.has(f)) out.set(f, { path: dockerfilePath, line: r.line, how: 'build', command: r.command });
  }
  for (const [f, run] of boot) if (!out.has(f)) out.set(f, run);
  for (const f of kept) out.delete(f);
  return out;
}
