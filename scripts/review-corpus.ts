// Runs prodready over real code from the npm registry, one package at a time with the package as
// the workspace root (so its package.json counts, as it does for a user), and writes every finding
// of the chosen rules with its source line to a Markdown file, for a person to review.
//
//   npx tsx scripts/review-corpus.ts logging [out.md]
//   npx tsx scripts/review-corpus.ts timeouts [out.md]
//
// The tarballs are pinned, fetched with `npm pack` into the bench cache (never into the
// repository) and reused offline afterwards. The review itself, which findings a reviewer would
// accept, is a person's judgement and goes in the issue's notes; this script only makes the
// counts reproducible.

import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ensurePackages, type CorpusPackage } from '../bench/corpus';

interface Corpus {
  rules: string[];
  packages: CorpusPackage[];
}

const pkg = (spec: string): CorpusPackage => {
  const at = spec.lastIndexOf('@');
  return { name: spec.slice(0, at), version: spec.slice(at + 1) };
};

/** Services, service starters and HTTP servers published with their sources. */
const SERVICES = [
  'hubot@14.1.0', 'zigbee2mqtt@2.14.1', 'probot@14.3.2', 'json-server@0.17.4', 'typescript-express-starter@11.1.1',
  'express-generator-typescript@2.8.1', 'cors-anywhere@0.4.4', '@backstage/backend-defaults@0.19.0',
  'matrix-appservice-bridge@11.2.0', '@node-red/runtime@5.0.7', 'parse-server@9.10.0', 'kuzzle@2.56.0',
  'moleculer@0.15.2', 'unleash-server@8.2.0', '@actual-app/sync-server@26.9.0', 'verdaccio@6.10.4', 'sails@1.5.18',
  '@feathersjs/express@5.0.50', '@loopback/rest@15.0.16', '@directus/api@39.2.1', 'thelounge@4.5.2', 'haraka@3.3.4',
  'http-server@14.1.1', 'express-gateway@1.16.11', '@cubejs-backend/server-core@1.7.43', 'botkit@4.15.0',
  'homebridge@2.4.0', 'signalk-server@2.32.0', 'json-server-auth@2.1.0', 'fastify@5.12.8', 'uptime-kuma@2.0.0-dev.0',
  '@medusajs/medusa@2.21.2',
].map(pkg);

const CORPORA: Record<string, Corpus> = {
  logging: { rules: ['console-log', 'interpolated-log-message'], packages: SERVICES },
  timeouts: { rules: ['http-call-without-timeout'], packages: SERVICES },
};

interface Finding {
  ruleId: string;
  file: string;
  line: number;
  message: string;
  fixes?: Array<{ title: string; safe: boolean }>;
}

function main(): void {
  const [which, out = `review-${process.argv[2]}.md`] = process.argv.slice(2);
  const corpus = CORPORA[which];
  if (!corpus) {
    process.stderr.write(`usage: review-corpus.ts <${Object.keys(CORPORA).join('|')}> [out.md]\n`);
    process.exit(2);
  }
  const cli = path.resolve('dist/cli.js');
  if (!fs.existsSync(cli)) throw new Error('build first: npm run build');
  const dirs = ensurePackages(corpus.packages, (line) => process.stderr.write(`${line}\n`));
  const counts = new Map<string, Map<string, number>>();
  const body: string[] = [];
  let files = 0;
  corpus.packages.forEach((p, i) => {
    const dir = dirs[i];
    const run = spawnSync(process.execPath, [cli, 'check', '.', '--format', 'json', '--fail-on', 'none'], {
      cwd: dir,
      encoding: 'utf8',
      maxBuffer: 256 * 1024 * 1024,
    });
    if (run.status !== 0) throw new Error(`${p.name}: prodready exited ${run.status}: ${run.stderr}`);
    const report = JSON.parse(run.stdout) as { findings: Finding[]; summary?: { files?: number } };
    files += report.summary?.files ?? 0;
    const mine = report.findings.filter((f) => corpus.rules.includes(f.ruleId));
    const perRule = new Map(corpus.rules.map((r) => [r, mine.filter((f) => f.ruleId === r).length]));
    counts.set(`${p.name}@${p.version}`, perRule);
    if (mine.length === 0) return;
    body.push(`## ${p.name}@${p.version}`, '');
    const cache = new Map<string, string[]>();
    for (const f of mine) {
      let lines = cache.get(f.file);
      if (!lines) cache.set(f.file, (lines = fs.readFileSync(path.join(dir, f.file), 'utf8').split('\n')));
      const fix = f.fixes?.[0] ? ` fix: ${f.fixes[0].title}${f.fixes[0].safe ? '' : ' (unsafe)'}` : '';
      body.push(`- \`${f.ruleId}\` ${f.file}:${f.line}${fix}`, `  \`${lines[f.line - 1].trim().slice(0, 160).replace(/`/g, "'")}\``);
    }
    body.push('');
  });
  const table = ['| package | ' + corpus.rules.join(' | ') + ' |', '|---|' + corpus.rules.map(() => '---:|').join('')];
  const totals = corpus.rules.map(() => 0);
  for (const [name, perRule] of counts) {
    const row = corpus.rules.map((r, i) => {
      const n = perRule.get(r) ?? 0;
      totals[i] += n;
      return String(n);
    });
    table.push(`| ${name} | ${row.join(' | ')} |`);
  }
  table.push(`| **total** (${corpus.packages.length} packages${files ? `, ${files} files` : ''}) | ${totals.join(' | ')} |`);
  fs.writeFileSync(out, [`# ${which}: findings over real code`, '', ...table, '', ...body].join('\n'));
  process.stdout.write(`${table.join('\n')}\n\nwrote ${out}\n`);
}

main();
