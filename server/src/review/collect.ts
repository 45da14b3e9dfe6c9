// From files on disk (or open in an editor) to what the review reads: each file's kind, the project
// model's role, its active findings, and its text where a checklist signal may read it. The same
// function for the CLI and the language server, so both give the same review. The caller reads files
// (`read`); this module never touches the disk.

import * as path from 'node:path';
import { checkText, type CheckEnvironment } from '../engine/check';
import { roleOf } from '../engine/analyze';
import { classify, mayClassify } from '../engine/classify';
import { toPosix } from '../engine/files';
import { jsServiceFacts } from '../engine/model/service-facts';
import type { ParsedDocument } from '../engine/document';
import type { WorkspaceFacts } from '../engine/workspace-facts';
import type { ReviewFile } from './review';

/** Files read for their text although prodready does not analyse them. */
const READ_PLAIN = /(?:^|\/)(?:package\.json|pyproject\.toml|requirements(?:[-_.]\w+)?\.txt|setup\.py|Pipfile)$/;
/** Files the review needs only by name (a runbook, a Helm chart). */
const BY_NAME = /(?:^|\/)(?:[^/]*runbook[^/]*|Chart\.ya?ml)$|(?:^|\/)runbooks?\//i;

export interface CollectOptions {
  /** Absolute files (forward slashes or native), as `collectFiles` lists them. */
  files: readonly string[];
  /** The workspace folder: config discovery stops here. */
  rootDir: string;
  /** Where review paths start (the CLI: the current folder; the server: the workspace folder). */
  shownFrom: string;
  env: CheckEnvironment;
  /** The file's text, or undefined when it cannot be read (it is then left out). */
  read(file: string): string | undefined;
  /** One line about a file that broke the engine (the review goes on without its findings). */
  warn?(message: string): void;
}

export function collectReviewFiles(options: CollectOptions): ReviewFile[] {
  const out: ReviewFile[] = [];
  for (const file of options.files) {
    const shown = toPosix(path.relative(options.shownFrom, file));
    if (READ_PLAIN.test(shown)) {
      const text = options.read(file);
      if (text !== undefined) out.push({ path: shown, text, findings: [] });
      continue;
    }
    if (!mayClassify(file)) {
      if (BY_NAME.test(shown)) out.push({ path: shown, findings: [] });
      continue;
    }
    const text = options.read(file);
    if (text === undefined) continue;
    if (!classify(file, text.slice(0, 65536))) {
      if (BY_NAME.test(shown)) out.push({ path: shown, findings: [] });
      continue;
    }
    try {
      const result = checkText({ path: toPosix(file), relativePath: toPosix(path.relative(options.rootDir, file)), rootDir: options.rootDir, text }, options.env);
      if (result.excluded || !result.doc) continue;
      const doc = result.doc;
      const role = roleOf(doc, { config: result.config, workspace: options.env.workspace }).role;
      out.push({
        path: shown,
        kind: doc.kind,
        role,
        text,
        findings: result.findings.map((f) => ({ ruleId: f.ruleId, severity: f.severity, line: doc.lines.positionAt(f.start).line + 1, message: f.message })),
        ...(role === 'service' && (doc.kind === 'js' || doc.kind === 'python') ? { routes: routesOf(doc, options.env.workspace) } : {}),
      });
      doc.dispose();
    } catch (error) {
      options.warn?.(`${shown}: not reviewed, internal error: ${(error as Error)?.message ?? error}`);
    }
  }
  return out;
}

/**
 * The routes the service facts read in a file: from its package's route table (mounts, prefixes and
 * Nest's global prefix applied), else, before the workspace is indexed or for a Python file whose
 * package the facts do not read yet, the file's own routes as written.
 */
function routesOf(doc: ParsedDocument, workspace: WorkspaceFacts | undefined): Array<{ method: string; path: string; line: number }> {
  const dir = workspace?.packageOf(doc.path)?.dir;
  const service = dir ? workspace!.serviceOf(dir) : undefined;
  if (service) return service.routes.filter((r) => r.file === doc.path).map((r) => ({ method: r.method, path: r.path, line: r.line }));
  if (doc.kind !== 'js') return [];
  const facts = jsServiceFacts(doc);
  return [...facts.routers.flatMap((r) => r.routes), ...facts.controllers.flatMap((c) => c.routes.map((r) => ({ ...r, path: `${c.prefix}/${r.path}`.replace(/\/+/g, '/') })))].map((r) => ({
    method: r.method,
    path: r.path.startsWith('/') ? r.path : `/${r.path}`,
    line: r.line,
  }));
}
