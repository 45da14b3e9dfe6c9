// The README's snippet table, from snippets/*.code-snippets. (The snippet work replaces this.)
import * as fs from 'node:fs';
import * as path from 'node:path';

export function snippetTable(): string {
  const dir = path.resolve(__dirname, '..', 'snippets');
  const rows: string[] = [];
  for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.code-snippets')).sort()) {
    const snippets = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as Record<string, { prefix: string | string[]; description?: string }>;
    for (const snippet of Object.values(snippets)) {
      const prefix = Array.isArray(snippet.prefix) ? snippet.prefix[0] : snippet.prefix;
      rows.push(`| \`${prefix}\` | ${file.replace('.code-snippets', '')} | ${snippet.description ?? ''} |`);
    }
  }
  return ['| Prefix | Language | What you get |', '|---|---|---|', ...rows].join('\n');
}
