// Where a rule's documentation lives: the page shipped with the extension and the CLI
// (`docs/rules/<id>.md` next to `dist/`), so the link works offline and matches the installed version.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';

let docsDir: string | null | undefined;

function findDocsDir(): string | null {
  // Bundled: dist/engine.js -> ../docs/rules. From sources (tests): server/src/engine -> ../../../docs/rules.
  for (const candidate of [path.join(__dirname, '..', 'docs', 'rules'), path.join(__dirname, '..', '..', '..', 'docs', 'rules')]) {
    if (fs.existsSync(candidate)) return candidate;
  }
  return null;
}

const known = new Map<string, string | undefined>();

/** Findings the engine makes about ignores and files are documented together, not one page each. */
const ENGINE_PAGES = new Set(['unparsable-file', 'skipped-file', 'unused-ignore', 'ignore-without-reason', 'misplaced-ignore', 'invalid-config']);

/** The docs page of a rule, looked up once per rule id. */
export function docsPath(ruleId: string): string | undefined {
  if (!known.has(ruleId)) {
    if (docsDir === undefined) docsDir = findDocsDir();
    const file = docsDir
      ? ENGINE_PAGES.has(ruleId)
        ? path.join(docsDir, '..', 'configuration.md')
        : path.join(docsDir, `${ruleId}.md`)
      : undefined;
    known.set(ruleId, file && fs.existsSync(file) ? file : undefined);
  }
  return known.get(ruleId);
}

const uris = new Map<string, string | undefined>();

/** The link a diagnostic carries to its rule's page: made once per rule id (a file's every finding asks). */
export function docsUri(ruleId: string): string | undefined {
  if (uris.has(ruleId)) return uris.get(ruleId);
  const file = docsPath(ruleId);
  const href = file ? pathToFileURL(file).href : undefined;
  const uri = href && ENGINE_PAGES.has(ruleId) ? `${href}#findings-about-the-configuration-itself` : href;
  uris.set(ruleId, uri);
  return uri;
}
