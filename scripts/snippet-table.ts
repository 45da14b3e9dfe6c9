// The README's snippet table, generated from `snippets/*.code-snippets` so that it cannot drift
// from what the extension ships. `npm run gen` embeds `snippetTable()` between the README's
// snippets markers; run directly, this prints it.

import * as fs from 'node:fs';
import * as path from 'node:path';

const SNIPPETS_DIR = path.resolve(__dirname, '..', 'snippets');

/** Each snippet file, in README order, with the languages package.json contributes it for. */
const FILES: ReadonlyArray<{ file: string; languages: string }> = [
  { file: 'javascript.code-snippets', languages: 'JavaScript, TypeScript (and JSX/TSX)' },
  { file: 'yaml.code-snippets', languages: 'YAML, Docker Compose' },
  { file: 'json.code-snippets', languages: 'JSON, JSONC' },
  { file: 'dockerfile.code-snippets', languages: 'Dockerfile' },
  { file: 'python.code-snippets', languages: 'Python' },
];

interface Snippet {
  prefix: string | string[];
  description?: string;
}

/** Text that is safe inside one Markdown table cell. */
function cell(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ').trim();
}

export function snippetTable(dir: string = SNIPPETS_DIR): string {
  const rows = ['| Prefix | Language | What you get |', '| --- | --- | --- |'];
  for (const { file, languages } of FILES) {
    const snippets = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as Record<string, Snippet>;
    for (const snippet of Object.values(snippets)) {
      const prefixes = Array.isArray(snippet.prefix) ? snippet.prefix : [snippet.prefix];
      rows.push(`| ${prefixes.map((p) => `\`${p}\``).join(', ')} | ${languages} | ${cell(snippet.description ?? '')} |`);
    }
  }
  return rows.join('\n');
}

if (require.main === module) process.stdout.write(`${snippetTable()}\n`);
