// Generates what is derived from the rule modules (and the snippet files): docs/rules/*.md, the
// README's rule and snippet tables, and the settings schema in package.json.
//   npm run gen            write them
//   npm run gen -- --check exit 1 when a committed file differs from what would be generated

import * as fs from 'node:fs';
import * as path from 'node:path';
import { registry } from '../server/src/rules';
import type { Rule } from '../server/src/engine/types';
import { snippetTable } from './snippet-table';

const ROOT = path.resolve(__dirname, '..');

const KIND_NAMES: Record<string, string> = {
  js: 'JavaScript / TypeScript',
  python: 'Python',
  kubernetes: 'Kubernetes manifests (incl. Helm templates)',
  compose: 'Docker Compose files',
  ecs: 'ECS task definitions (JSON, or CloudFormation in JSON or YAML)',
  dockerfile: 'Dockerfiles',
};

function fence(example: { path: string; code: string; alongside?: Array<{ path: string; code: string }> }): string {
  if (example.alongside && example.alongside.length > 0) return [...example.alongside.map((a) => fence(a)), fence({ path: example.path, code: example.code })].join('\n\n');
  const lang = /Dockerfile|\.dockerfile$/i.test(example.path)
    ? 'dockerfile'
    : /\.ya?ml$/.test(example.path)
      ? 'yaml'
      : /\.json$/.test(example.path)
        ? 'json'
        : /\.[cm]?tsx?$/.test(example.path)
          ? 'ts'
          : /\.py$/.test(example.path)
            ? 'python'
            : 'js';
  return `\`${example.path}\`:\n\n\`\`\`${lang}\n${example.code.replace(/\n$/, '')}\n\`\`\``;
}

function fixLabel(rule: Rule): string {
  return { safe: 'safe', unsafe: 'unsafe', 'sometimes-safe': 'safe or unsafe (see Fix safety)', none: 'none' }[rule.fix];
}

/** The roles a rule reads, with what widens them (`includeTests`). */
function roleLabel(rule: Rule): string {
  const rolesFor = rule.roles;
  if (typeof rolesFor !== 'function') return rolesFor.map((r) => `\`${r}\``).join(', ');
  const defaults = Object.fromEntries(Object.entries(rule.options ?? {}).map(([k, o]) => [k, o.default]));
  const base = rolesFor(defaults);
  const widened = Object.entries(rule.options ?? {})
    .filter(([, o]) => o.type === 'boolean')
    .map(([k, o]) => [k, rolesFor({ ...defaults, [k]: !o.default }) as readonly string[]] as const)
    .filter(([, roles]) => roles.join() !== base.join());
  return [base.map((r) => `\`${r}\``).join(', '), ...widened.map(([k, roles]) => `(\`${k}\` also: ${roles.filter((r) => !base.includes(r as never)).map((r) => `\`${r}\``).join(', ')})`)].join(' ');
}

export function ruleDoc(rule: Rule): string {
  const d = rule.docs;
  const options = Object.entries(rule.options ?? {});
  const parts = [
    `# ${rule.id}`,
    '',
    `${rule.summary}`,
    '',
    '| | |',
    '|---|---|',
    `| Family | ${rule.family} |`,
    `| Applies to | ${rule.kinds.map((k) => KIND_NAMES[k]).join(', ')} |`,
    `| File roles | ${roleLabel(rule)} ([project model](../configuration.md#what-a-file-is-for-the-project-model)) |`,
    `| Default severity | ${rule.defaultSeverity} |`,
    `| Fix | ${fixLabel(rule)} |`,
    '',
    '## What it does',
    '',
    d.whatItDoes,
    '',
    '## Why it matters',
    '',
    d.whyItMatters,
    '',
    '## Example',
    '',
    [d.example, ...(d.moreExamples ?? []).map((m) => m.example)].map(fence).join('\n\n'),
    '',
    '## Use instead',
    '',
    [d.useInstead, ...(d.moreExamples ?? []).map((m) => m.useInstead)].map(fence).join('\n\n'),
    '',
    '## Fix safety',
    '',
    d.fixSafety,
    '',
    '## Options',
    '',
    options.length === 0
      ? 'None.'
      : [
          '| Option | Type | Default | Description |',
          '|---|---|---|---|',
          ...options.map(([name, o]) => `| \`${name}\` | ${o.type} | \`${JSON.stringify(o.default)}\` | ${o.description} |`),
        ].join('\n'),
    '',
    '## Configure or silence it',
    '',
    [
      '```yaml',
      '# .prodready.yaml',
      'rules:',
      options.length === 0
        ? `  ${rule.id}: error          # error | warning | information | hint | off`
        : `  ${rule.id}:\n    severity: error\n    options: { ${options.map(([n, o]) => `${n}: ${JSON.stringify(o.default)}`).join(', ')} }`,
      '```',
      '',
      rule.kinds.includes('js') || rule.kinds.includes('dockerfile')
        ? `Inline: \`// prodready-ignore-next-line ${rule.id} -- reason\` (or \`#\` comments where the file uses them).`
        : `Inline: \`# prodready-ignore-next-line ${rule.id} -- reason\`${rule.kinds.includes('kubernetes') ? `, or the annotation \`ignore-check.prodready.dev/${rule.id}: "reason"\` on the object's own metadata` : ''}.`,
    ].join('\n'),
    '',
    '## References',
    '',
    d.references.map((r) => `- ${r}`).join('\n'),
    '',
  ];
  return parts.join('\n');
}

function ruleTable(): string {
  const rows = registry.all.map(
    (r) => `| [\`${r.id}\`](docs/rules/${r.id}.md) | ${r.family} | ${r.defaultSeverity} | ${fixLabel(r)} | ${r.summary} |`,
  );
  return ['| Rule | Family | Default | Fix | What it flags |', '|---|---|---|---|---|', ...rows].join('\n');
}

function replaceBetween(text: string, marker: string, content: string): string {
  const start = `<!-- ${marker}:start -->`;
  const end = `<!-- ${marker}:end -->`;
  const i = text.indexOf(start);
  const j = text.indexOf(end);
  if (i < 0 || j < i) throw new Error(`README.md lacks the ${start} ... ${end} markers`);
  return `${text.slice(0, i + start.length)}\n${content}\n${text.slice(j)}`;
}

function settingsSchema(rule: Rule): Record<string, unknown> {
  const levels = ['error', 'warning', 'information', 'hint', 'off'];
  const options = Object.entries(rule.options ?? {});
  const optionSchema: Record<string, unknown> = {};
  for (const [name, o] of options) {
    optionSchema[name] =
      o.type === 'string[]'
        ? { type: 'array', items: { type: 'string' }, default: o.default, description: o.description }
        : { type: o.type, default: o.default, description: o.description, ...(o.minimum !== undefined ? { minimum: o.minimum } : {}) };
  }
  return {
    markdownDescription: `${rule.summary} Default: \`${rule.defaultSeverity}\`.`,
    anyOf: [
      { type: 'string', enum: levels },
      {
        type: 'object',
        properties: {
          severity: { type: 'string', enum: levels },
          ...(options.length ? { options: { type: 'object', properties: optionSchema, additionalProperties: false } } : {}),
        },
        additionalProperties: false,
      },
    ],
  };
}

/** Every generated file and the text it should hold. */
export function generatedFiles(): Map<string, string> {
  const files = new Map<string, string>();
  for (const rule of registry.all) files.set(path.join(ROOT, 'docs', 'rules', `${rule.id}.md`), ruleDoc(rule));

  const readmePath = path.join(ROOT, 'README.md');
  let readme = fs.readFileSync(readmePath, 'utf8');
  readme = replaceBetween(readme, 'rules', ruleTable());
  readme = replaceBetween(readme, 'snippets', snippetTable());
  files.set(readmePath, readme);

  const pkgPath = path.join(ROOT, 'package.json');
  const pkg = JSON.parse(fs.readFileSync(pkgPath, 'utf8'));
  const rulesSetting = pkg.contributes.configuration.properties['prodready.rules'];
  rulesSetting.properties = Object.fromEntries(registry.all.map((r) => [r.id, settingsSchema(r)]));
  files.set(pkgPath, `${JSON.stringify(pkg, null, 2)}\n`);
  return files;
}

/** Files in docs/rules that no rule generates any more. */
export function staleRuleDocs(expected: Map<string, string>): string[] {
  const dir = path.join(ROOT, 'docs', 'rules');
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .map((f) => path.join(dir, f))
    .filter((f) => f.endsWith('.md') && !expected.has(f));
}

function main(): void {
  const check = process.argv.includes('--check');
  const files = generatedFiles();
  const drift: string[] = [];
  for (const [file, text] of files) {
    const current = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : undefined;
    if (current === text) continue;
    if (check) drift.push(path.relative(ROOT, file));
    else {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, text);
    }
  }
  for (const stale of staleRuleDocs(files)) {
    if (check) drift.push(`${path.relative(ROOT, stale)} (no such rule)`);
    else fs.rmSync(stale);
  }
  if (drift.length > 0) {
    process.stderr.write(`Generated files are out of date (run npm run gen):\n${drift.map((d) => `  ${d}`).join('\n')}\n`);
    process.exitCode = 1;
  }
}

if (require.main === module) main();
