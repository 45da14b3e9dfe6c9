// What the project model reads of Go code: only enough to know whether a Go program has a shutdown of
// its own. prodready does not analyse Go; it reads a module's `go.mod` for the module path and its
// `.go` files' text for `signal.Notify` / `signal.NotifyContext` and the SIGTERM they catch. A Go
// program that catches no SIGTERM exits the moment it gets one (the runtime's default action); one
// that catches it runs a shutdown of its own whose steps (a readiness flip, a sleep before closing,
// as podinfo's) prodready cannot see: unknown. Pure: text in, facts out; the workspace index keeps them.

import { imageRepositoryName } from './k8s-objects';

/** What one `go.mod` or `.go` file says. */
export interface GoFileFacts {
  /** go.mod: its `module` path. */
  module?: string;
  /** A `.go` file: the 1-based line of its first `signal.Notify(` / `signal.NotifyContext(` call. */
  notify?: number;
  /** That call passes no signal (`signal.Notify(ch)`: every signal is caught). */
  notifyAll?: boolean;
  /** The file names SIGTERM (`syscall.SIGTERM`, `unix.SIGTERM`): the list a Notify call is given may be built here. */
  sigterm?: number;
}

/** Whether a path is a Go file the index reads: `go.mod`, or a `.go` source that is not a test. */
export function isGoPath(p: string): boolean {
  const name = p.slice(p.lastIndexOf('/') + 1);
  return name === 'go.mod' || (name.endsWith('.go') && !name.endsWith('_test.go'));
}

export function goFileFacts(file: string, text: string): GoFileFacts {
  if (file.endsWith('/go.mod') || file === 'go.mod') {
    const m = /^\s*module\s+"?([^\s"/][^\s"]*)"?\s*$/m.exec(text);
    return m ? { module: m[1] } : {};
  }
  const facts: GoFileFacts = {};
  const code = stripGoComments(text);
  const notify = /\bsignal\.Notify(?:Context)?\s*\(([^()]*(?:\([^()]*\)[^()]*)*)\)/.exec(code);
  if (notify) {
    facts.notify = lineAt(code, notify.index);
    // `signal.Notify(ch)` catches every signal; `signal.NotifyContext(ctx)` likewise.
    if (!notify[1].includes(',')) facts.notifyAll = true;
  }
  const sigterm = /\b(?:syscall|unix)\.SIGTERM\b/.exec(code);
  if (sigterm) facts.sigterm = lineAt(code, sigterm.index);
  return facts;
}

/**
 * The SIGTERM handling of a Go module's files (`.go` files of the module, tests left out): the
 * `signal.Notify` call, when one catches every signal or some file of the module names SIGTERM.
 * Undefined when none does: the program exits at once on SIGTERM.
 */
export function goSigterm(files: ReadonlyArray<[string, GoFileFacts]>): { path: string; line: number } | undefined {
  const notifying = files.filter(([, f]) => f.notify !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  if (notifying.length === 0) return undefined;
  const all = notifying.find(([, f]) => f.notifyAll);
  if (all) return { path: all[0], line: all[1].notify! };
  if (!files.some(([, f]) => f.sigterm !== undefined)) return undefined;
  // The call in a file that names SIGTERM itself, else the first one.
  const own = notifying.find(([, f]) => f.sigterm !== undefined) ?? notifying[0];
  return { path: own[0], line: own[1].notify! };
}

/**
 * Whether a Go module path names an image: its last element (a `/vN` major-version suffix dropped) is
 * the image's repository name, the one convention the model links images by (`imageRepositoryName`;
 * `github.com/stefanprodan/podinfo` and `ghcr.io/stefanprodan/podinfo:6.1`, or a fork's `deavon/podinfo`).
 */
export function goModuleNamesImage(module: string, image: string): boolean {
  const name = imageRepositoryName(image);
  return name !== undefined && module.toLowerCase().replace(/\/v\d+$/, '').split('/').pop() === name;
}

/** Whether a Dockerfile stage's base image is a Go tool chain (the image builds Go code). */
export function isGoBuilderImage(base: string | undefined): boolean {
  return base !== undefined && /(?:^|\/)(?:golang|tinygo\/tinygo)(?::|@|$)/.test(base.toLowerCase());
}

function stripGoComments(text: string): string {
  // Keeps line breaks, so that lines stay where they were; strings are left as they are.
  return text.replace(/\/\*[\s\S]*?\*\//g, (m) => m.replace(/[^\n]/g, ' ')).replace(/\/\/[^\n]*/g, (m) => ' '.repeat(m.length));
}

function lineAt(text: string, index: number): number {
  let line = 1;
  for (let i = 0; i < index; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}
