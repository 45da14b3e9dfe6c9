// Which image a Dockerfile is built as, from the commands that build it: the evidence a reviewer reads to
// say "this Dockerfile builds that image" when no compose `build:` says so. Read by the workspace index
// from files nobody has open; pure (text in, builds out).
//
// Evidence read, and why it is strong enough:
// - A build command with a literal name: `docker build -t NAME [-f FILE] DIR` (also `docker buildx build`,
//   `podman build`, `ibmcloud cr build`) in a shell script, a Makefile (its `VAR = value` variables expanded),
//   a CI workflow's `run:` step, or a README's code (the author's own instructions next to the Dockerfile).
//   The command names the Dockerfile (`-f`, else `DIR/Dockerfile`) and the image together.
// - A CI workflow step `uses: docker/build-push-action` whose `with:` gives `file:`/`context:` and literal `tags:`.
// A name built from a variable the file does not set (`$IMAGE`, `${{ github.repository }}`) is unknown and
// left out. The image is matched by its repository name (the last path segment, as the folder-name
// convention does), and by tag when both sides give one.

import * as path from 'node:path';
import { isMap, isScalar, isSeq, type Node } from 'yaml';
import { yamlDocuments } from './compose-links';
import { imageRepositoryName } from './k8s-objects';

export interface BuildCommand {
  /** The image name as the command tags it (registry and tag included). */
  image: string;
  /** The Dockerfile it builds (absolute, forward slashes). */
  dockerfile: string;
  /** The stage it builds (`--target`, the action's `target:`), when it names one; else the final stage. */
  target?: string;
  /**
   * For a shell script or Makefile below the workspace root: the Dockerfile as resolved from the root, which the
   * index takes when only that one exists (scripts are as often run from the root as from their folder).
   */
  fromRoot?: string;
  /** The file that says so and the 1-based line. */
  path: string;
  line: number;
}

/** What kind of file the evidence comes from: it decides the folder relative paths start from. */
export type BuildEvidenceKind = 'shell' | 'make' | 'readme' | 'workflow';

const BUILD_COMMAND = /\b(?:(?:docker|podman)\s+(?:buildx\s+)?build|ibmcloud\s+cr\s+(?:image-)?build)\s+(.*)$/;
/** Options of `docker build` that take a value (the next word), besides -t and -f. */
const VALUED = new Set(['--build-arg', '--target', '--platform', '--label', '--secret', '--cache-from', '--cache-to', '-o', '--output', '--progress', '--network', '--ssh', '--add-host', '--iidfile', '--metadata-file', '--build-context', '--attest', '--provenance', '--sbom', '--shm-size', '-m', '--memory', '--ulimit', '--builder', '--allow', '--annotation', '--cgroup-parent', '--isolation', '--cpu-shares', '--cpuset-cpus', '--squash']);

/** Whether a file is one the index reads for build evidence (shell scripts are read as entry scripts already). */
export function isBuildEvidencePath(p: string): BuildEvidenceKind | undefined {
  const name = p.slice(p.lastIndexOf('/') + 1);
  if (/^(?:GNU)?[Mm]akefile$|\.mk$/.test(name)) return 'make';
  if (/^readme(?:\.[\w-]+)?\.md$/i.test(name)) return 'readme';
  if (/\/\.github\/workflows\/[^/]+\.ya?ml$/.test(p)) return 'workflow';
  if (/\.(?:sh|bash)$/.test(name)) return 'shell';
  return undefined;
}

/**
 * The builds a file's text states. `root` is the workspace root (a workflow runs from the checkout's root);
 * other files run from their own folder.
 */
export function buildCommandsOf(file: string, text: string, kind: BuildEvidenceKind, root: string): BuildCommand[] {
  if (!/\bbuild\b/.test(text)) return [];
  const cwd = kind === 'workflow' ? root : path.posix.dirname(file);
  const vars = kind === 'make' ? makeVariables(text) : kind === 'shell' ? shellVariables(text) : new Map<string, string>();
  const out: BuildCommand[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    // Backslash continuations make one command.
    let line = lines[i];
    const start = i;
    while (/\\\s*$/.test(line) && i + 1 < lines.length) line = line.replace(/\\\s*$/, ' ') + lines[++i];
    const m = BUILD_COMMAND.exec(line);
    if (!m) continue;
    const build = readBuildArgs(m[1], vars);
    if (!build) continue;
    const context = resolve(cwd, build.context);
    const dockerfile = build.file !== undefined ? resolve(cwd, build.file) : `${context}/Dockerfile`;
    const fromRoot = cwd !== root && kind !== 'readme' ? (build.file !== undefined ? resolve(root, build.file) : `${resolve(root, build.context)}/Dockerfile`) : undefined;
    for (const image of build.tags) out.push({ image, dockerfile, ...(build.target !== undefined ? { target: build.target } : {}), ...(fromRoot !== undefined && fromRoot !== dockerfile ? { fromRoot } : {}), path: file, line: start + 1 });
  }
  if (kind === 'workflow') out.push(...buildPushActions(file, text, root));
  return out;
}

function resolve(cwd: string, p: string): string {
  return path.posix.normalize(p.startsWith('/') ? p : `${cwd}/${p}`).replace(/\/$/, '');
}

/** The words of a command line up to its end (`&&`, `;`, `|`, a redirection, a closing backtick), quotes removed. */
function words(text: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < text.length) {
    while (i < text.length && /\s/.test(text[i])) i++;
    if (i >= text.length) break;
    // A redirection only where a word starts (`<namespace>` inside a name is part of it).
    if (/^(?:&&|\|\||[;|`]|[0-9&]?>)/.test(text.slice(i))) break;
    let word = '';
    while (i < text.length && !/[\s;|`]/.test(text[i]) && !(text[i] === '&' && text[i + 1] === '&')) {
      const q = text[i];
      if (q === '"' || q === "'") {
        const close = text.indexOf(q, i + 1);
        if (close < 0) return out;
        word += text.slice(i + 1, close);
        i = close + 1;
      } else word += text[i++];
    }
    out.push(word);
  }
  return out;
}

function readBuildArgs(text: string, vars: ReadonlyMap<string, string>): { tags: string[]; file: string | undefined; target: string | undefined; context: string } | undefined {
  const tags: string[] = [];
  let file: string | undefined;
  let target: string | undefined;
  let context: string | undefined;
  const list = words(text).map((w) => expand(w, vars));
  for (let i = 0; i < list.length; i++) {
    const w = list[i];
    if (w === undefined) {
      // An option's value or the context we cannot read: a tag or file we cannot read is left out below.
      continue;
    }
    const eq = /^(--tag|--file|--target)=(.*)$/.exec(w);
    if (w === '-t' || w === '--tag' || eq?.[1] === '--tag') {
      const value = eq ? eq[2] : list[++i];
      if (value !== undefined && imageRepositoryName(value) !== undefined) tags.push(value);
    } else if (w === '-f' || w === '--file' || eq?.[1] === '--file') {
      const value = eq ? eq[2] : list[++i];
      if (value === undefined || /[$<>{}]/.test(value)) return undefined;
      file = value;
    } else if (w === '--target' || eq?.[1] === '--target') {
      const value = eq ? eq[2] : list[++i];
      // A stage we cannot read: the build's stage is not known, so the build links no stage.
      if (value === undefined || /[$<>{}]/.test(value)) return undefined;
      target = value;
    } else if (VALUED.has(w)) i++;
    else if (w.startsWith('-')) continue;
    else if (context === undefined) context = w;
  }
  if (context === undefined || tags.length === 0 || /[$<>{}]|^[a-z]+:\/\//.test(context) || context === '-') return undefined;
  return { tags, file, target, context };
}

/** A word with `$(VAR)`, `${VAR}` and `$VAR` replaced from `vars`; undefined when one is not known. */
function expand(word: string | undefined, vars: ReadonlyMap<string, string>, depth = 0): string | undefined {
  if (word === undefined) return undefined;
  if (!word.includes('$')) return word;
  if (depth > 4) return undefined;
  let unknown = false;
  const out = word.replace(/\$\((\w+)\)|\$\{(\w+)\}|\$(\w+)/g, (_m, a: string | undefined, b: string | undefined, c: string | undefined) => {
    const value = vars.get(a ?? b ?? c ?? '');
    if (value === undefined) unknown = true;
    return value ?? '';
  });
  if (unknown) {
    // Keep what is known (a registry from a variable, the name literal): a name whose last segment is literal still links.
    let kept = word;
    for (let n = 0; n < 4; n++) {
      const next = kept.replace(/\$\((\w+)\)|\$\{(\w+)\}|\$(\w+)/g, (m, a: string | undefined, b: string | undefined, c: string | undefined) => vars.get(a ?? b ?? c ?? '') ?? m);
      if (next === kept) break;
      kept = next;
    }
    return kept;
  }
  return out.includes('$') ? expand(out, vars, depth + 1) : out;
}

/** A Makefile's simple variables (`NAME = value`, `?=`, `:=`, `::=`); values that run a shell are left out. */
function makeVariables(text: string): Map<string, string> {
  const vars = new Map<string, string>();
  for (const line of text.split('\n')) {
    const m = /^\s*(?:export\s+)?([A-Za-z_]\w*)\s*(?:\?|::?)?=\s*(.*?)\s*$/.exec(line);
    if (!m || /\$\(shell\b|`/.test(m[2])) continue;
    if (!vars.has(m[1]) || !/\?=/.test(line)) vars.set(m[1], m[2]);
  }
  return vars;
}

/** A shell script's top-level assignments with a literal value (`IMAGE=acme/api`, `IMAGE="${IMAGE:-acme/api}"` gives the default). */
function shellVariables(text: string): Map<string, string> {
  const vars = new Map<string, string>();
  for (const line of text.split('\n')) {
    const m = /^\s*(?:export\s+)?([A-Za-z_]\w*)=(?:"([^"]*)"|'([^']*)'|([^\s;#]*))\s*(?:#.*)?$/.exec(line);
    if (!m) continue;
    let value = m[2] ?? m[3] ?? m[4] ?? '';
    const fallback = /^\$\{\w+:-([^}]*)\}$/.exec(value);
    if (fallback) value = fallback[1];
    if (/\$\(|`/.test(value)) continue;
    vars.set(m[1], value);
  }
  return vars;
}

/**
 * The `docker/build-push-action` steps of a workflow with literal `tags:`, `file:`, `context:` and `target:`, or ones
 * that name `${{ matrix.NAME }}` values of the job's `strategy.matrix.include` entries (one build per entry).
 */
function buildPushActions(file: string, text: string, root: string): BuildCommand[] {
  if (!/docker\/build-push-action/.test(text)) return [];
  const documents = yamlDocuments(text);
  const out: BuildCommand[] = [];
  const lineOf = (node: Node): number => text.slice(0, node.range?.[0] ?? 0).split('\n').length;
  const visit = (node: unknown, include: ReadonlyArray<ReadonlyMap<string, string>>): void => {
    if (isSeq(node)) for (const item of node.items) visit(item, include);
    if (!isMap(node)) return;
    // A job's matrix: its `include` entries with literal values.
    const strategy = node.get('strategy', true) as Node | undefined;
    const matrix = isMap(strategy) ? (strategy.get('matrix', true) as Node | undefined) : undefined;
    const entries = isMap(matrix) ? (matrix.get('include', true) as Node | undefined) : undefined;
    if (isSeq(entries)) {
      include = entries.items.filter(isMap).map((e) => new Map(e.items.filter((p) => isScalar(p.key) && isScalar(p.value)).map((p) => [String((p.key as { value: unknown }).value), String((p.value as { value: unknown }).value)])));
    }
    const uses = node.get('uses', true) as Node | undefined;
    if (isScalar(uses) && typeof uses.value === 'string' && /^docker\/build-push-action@/.test(uses.value)) {
      const w = node.get('with', true) as Node | undefined;
      if (isMap(w)) {
        const raw = (key: string): string | undefined => {
          const v = w.get(key, true) as Node | undefined;
          return isScalar(v) && typeof v.value === 'string' ? v.value : undefined;
        };
        const tagsNode = w.get('tags', true) as Node | undefined;
        const tagsText = isSeq(tagsNode) ? tagsNode.items.map((i) => (isScalar(i) ? String(i.value) : '')).join('\n') : isScalar(tagsNode) ? String(tagsNode.value) : '';
        const usesMatrix = [raw('context'), raw('file'), raw('target'), tagsText].some((v) => v !== undefined && /\$\{\{\s*matrix\./.test(v));
        for (const values of usesMatrix ? include : [new Map<string, string>()]) {
          const sub = (v: string | undefined): string | undefined => v?.replace(/\$\{\{\s*matrix\.([\w-]+)\s*\}\}/g, (m, k: string) => values.get(k) ?? m);
          const contextText = sub(raw('context')) ?? '.';
          const fileText = sub(raw('file'));
          const target = sub(raw('target'));
          if (/\$/.test(contextText) || /\$/.test(fileText ?? '') || /\$/.test(target ?? '')) continue;
          const context = resolve(root, contextText);
          const dockerfile = fileText !== undefined ? resolve(root, fileText) : `${context}/Dockerfile`;
          for (const t of (sub(tagsText) ?? '').split(/[\n,]/).map((x) => x.trim()).filter(Boolean)) {
            if (imageRepositoryName(t) !== undefined) out.push({ image: t, dockerfile, ...(target !== undefined ? { target } : {}), path: file, line: lineOf(uses) });
          }
        }
      }
    }
    for (const pair of node.items) visit(pair.value, include);
  };
  for (const document of documents) visit(document.contents, []);
  return out;
}
