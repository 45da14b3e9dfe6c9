#!/usr/bin/env node
// The real-world review: runs the built CLI over pinned commits of real repositories and matches
// every finding against the judgements a reviewer wrote in judgements.tsv. Plain Node, no deps.
//
//   node docs/review/run.mjs [--write] [--rules a,b] [--repos owner/name,...] [--strict] [--append-new]
//
// --write       regenerate docs/review/findings.md
// --rules a,b   only these rule ids (summary, findings.md and --append-new alike)
// --repos x,y   only these repositories
// --strict      exit 1 when a finding has no judgement
// --append-new  append unjudged findings to judgements.tsv with verdict '?' (to be judged by hand)
//
// Mirrors are bare git directories under $PRODREADY_REVIEW_MIRRORS (default /work/.mirror), named
// <owner>+<name>/repo or <owner>+<name>/repo/.git. Extracted trees are cached outside the repo in
// $PRODREADY_REVIEW_CACHE (default ~/.cache/prodready-review/<owner>+<name>@<sha7>).

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..', '..');
const cli = path.join(root, 'dist', 'cli.js');
const mirrors = process.env.PRODREADY_REVIEW_MIRRORS ?? '/work/.mirror';
const cacheRoot = process.env.PRODREADY_REVIEW_CACHE ?? path.join(os.homedir(), '.cache', 'prodready-review');
const judgementsFile = path.join(here, 'judgements.tsv');
const findingsFile = path.join(here, 'findings.md');
const VERDICTS = ['TP', 'FP', 'debatable'];
const COLUMNS = ['repo', 'rule', 'file', 'line', 'snippet', 'verdict', 'why'];

function parseArgs(argv) {
  const args = { write: false, strict: false, appendNew: false, rules: null, repos: null };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const [flag, inline] = a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    const list = () => new Set((inline ?? argv[++i] ?? '').split(',').map((s) => s.trim()).filter(Boolean));
    if (flag === '--write') args.write = true;
    else if (flag === '--strict') args.strict = true;
    else if (flag === '--append-new') args.appendNew = true;
    else if (flag === '--rules') args.rules = list();
    else if (flag === '--repos') args.repos = list();
    else {
      console.error(`unknown argument ${a}`);
      process.exit(2);
    }
  }
  return args;
}

/** The source line a finding sits on, whitespace collapsed, so a judgement survives line shifts. */
export function snippetOf(text) {
  const s = text.replace(/\s+/g, ' ').trim();
  return s.length > 160 ? s.slice(0, 160) : s;
}

function mirrorOf(name) {
  const base = path.join(mirrors, name.replace('/', '+'), 'repo');
  if (fs.existsSync(path.join(base, '.git'))) return path.join(base, '.git');
  if (fs.existsSync(path.join(base, 'HEAD'))) return base;
  return null;
}

function extract(repo) {
  const dir = path.join(cacheRoot, `${repo.name.replace('/', '+')}@${repo.commit.slice(0, 7)}`);
  if (fs.existsSync(dir)) return dir;
  const gitDir = mirrorOf(repo.name);
  if (!gitDir) {
    console.error(`missing mirror: fetch github:${repo.name} (looked under ${mirrors}); skipping it`);
    return null;
  }
  const tmp = `${dir}.tmp-${process.pid}`;
  fs.rmSync(tmp, { recursive: true, force: true });
  fs.mkdirSync(tmp, { recursive: true });
  // Snapshots may lack large blobs (and LFS content): leave those paths out rather than fail.
  const tree = spawnSync('git', ['--git-dir', gitDir, 'ls-tree', '-r', '-z', repo.commit], { encoding: 'utf8', maxBuffer: 1 << 30 });
  if (tree.status !== 0) {
    fs.rmSync(tmp, { recursive: true, force: true });
    console.error(`commit ${repo.commit} is not in ${gitDir} (fetch github:${repo.name} again?); skipping ${repo.name}`);
    return null;
  }
  const blobs = tree.stdout.split('\0').filter(Boolean).map((e) => {
    const [meta, file] = e.split('\t');
    const [, type, sha] = meta.split(' ');
    return { type, sha, file };
  }).filter((b) => b.type === 'blob');
  const present = spawnSync('git', ['--git-dir', gitDir, 'cat-file', '--batch-check'], { input: blobs.map((b) => b.sha).join('\n') + '\n', encoding: 'utf8', maxBuffer: 1 << 30 });
  const missing = new Set(present.stdout.split('\n').filter((l) => l.endsWith(' missing')).map((l) => l.split(' ')[0]));
  const excludes = blobs.filter((b) => missing.has(b.sha)).map((b) => `:(exclude,literal)${b.file}`);
  const tar = path.join(tmp, '..', `${path.basename(dir)}.tar`);
  const archive = spawnSync('git', ['--git-dir', gitDir, 'archive', '-o', tar, repo.commit, '--', '.', ...excludes], { stdio: ['ignore', 'inherit', 'pipe'], encoding: 'utf8' });
  if (archive.status !== 0) process.stderr.write(archive.stderr);
  const untar = archive.status === 0 ? spawnSync('tar', ['-xf', tar, '-C', tmp], { stdio: ['ignore', 'inherit', 'inherit'] }) : archive;
  fs.rmSync(tar, { force: true });
  if (untar.status !== 0) {
    fs.rmSync(tmp, { recursive: true, force: true });
    console.error(`could not extract ${repo.name}@${repo.commit} from ${gitDir} (fetch github:${repo.name} again?); skipping it`);
    return null;
  }
  if (excludes.length) console.error(`${repo.name}: ${excludes.length} file(s) absent from the snapshot were left out`);
  fs.renameSync(tmp, dir);
  return dir;
}

function check(dir, config) {
  const extra = config ? ['--config', config] : [];
  const r = spawnSync(process.execPath, [cli, 'check', '--format', 'json', '--fail-on', 'none', ...extra], { cwd: dir, maxBuffer: 1 << 30, encoding: 'utf8' });
  if (r.status !== 0) {
    console.error(`prodready exited ${r.status} in ${dir}: ${r.stderr.trim().split('\n').slice(-3).join(' | ')}`);
    return null;
  }
  return JSON.parse(r.stdout).findings;
}

function readJudgements() {
  if (!fs.existsSync(judgementsFile)) return [];
  const lines = fs.readFileSync(judgementsFile, 'utf8').split('\n');
  const rows = [];
  lines.forEach((line, i) => {
    if (i === 0 || !line.trim() || line.startsWith('#')) return;
    const cells = line.split('\t');
    const row = Object.fromEntries(COLUMNS.map((c, j) => [c, cells[j] ?? '']));
    row.lineNo = i + 1;
    rows.push(row);
  });
  return rows;
}

const keyOf = (repo, rule, file, snippet) => [repo, rule, file, snippet].join('\u0000');

/** Gives each item the occurrence index among items with the same key, in line order. */
function withOccurrence(items, lineOf) {
  const seen = new Map();
  const sorted = [...items].sort((a, b) => lineOf(a) - lineOf(b));
  for (const it of sorted) {
    const n = seen.get(it.key) ?? 0;
    seen.set(it.key, n + 1);
    it.occ = n;
  }
  return items;
}

const md = (s) => String(s).replace(/\|/g, '\\|').replace(/`/g, "'");

function main() {
  const args = parseArgs(process.argv.slice(2));
  if (!fs.existsSync(cli)) {
    console.error(`no ${path.relative(process.cwd(), cli)}: build first (npm ci && node esbuild.mjs)`);
    process.exit(2);
  }
  const repos = JSON.parse(fs.readFileSync(path.join(here, 'repos.json'), 'utf8')).filter((r) => !args.repos || args.repos.has(r.name));
  const ruleOk = (rule) => !args.rules || args.rules.has(rule);
  const judgements = readJudgements().filter((j) => ruleOk(j.rule) && repos.some((r) => r.name === j.repo));
  for (const j of judgements) j.key = keyOf(j.repo, j.rule, j.file, j.snippet);
  withOccurrence(judgements, (j) => Number(j.line) || 0);
  const byKey = new Map(judgements.map((j) => [`${j.key}\u0000${j.occ}`, j]));
  const byLine = new Map(judgements.map((j) => [`${j.key}\u0000${Number(j.line) || 0}`, j]));

  // With --rules, the other rules are turned off in the CLI too (a config it applies under the
  // repositories' own), so a run over a few rules takes a fraction of the time; the rules are
  // independent of each other, so the selected rules' findings are the same.
  let config = null;
  if (args.rules) {
    const all = JSON.parse(spawnSync(process.execPath, [cli, 'rules', '--format', 'json'], { encoding: 'utf8' }).stdout);
    const off = (Array.isArray(all) ? all : all.rules).map((r) => r.id).filter((id) => !args.rules.has(id));
    config = path.join(os.tmpdir(), `prodready-review-${process.pid}.yaml`);
    fs.writeFileSync(config, ['rules:', ...off.map((id) => `  ${id}: off`)].join('\n') + '\n');
    process.on('exit', () => fs.rmSync(config, { force: true }));
  }

  const results = []; // { repo, findings: [{...finding, snippet, judgement}] }
  const ran = new Set();
  for (const repo of repos) {
    const dir = extract(repo);
    if (!dir) continue;
    const raw = check(dir, config);
    if (!raw) continue;
    ran.add(repo.name);
    const cache = new Map();
    const findings = raw.filter((f) => ruleOk(f.ruleId)).map((f) => {
      if (!cache.has(f.file)) {
        try {
          cache.set(f.file, fs.readFileSync(path.join(dir, f.file), 'utf8').split(/\r?\n/));
        } catch {
          cache.set(f.file, []);
        }
      }
      const snippet = snippetOf(cache.get(f.file)[f.line - 1] ?? '');
      return { ...f, repo: repo.name, snippet, key: keyOf(repo.name, f.ruleId, f.file, snippet) };
    });
    withOccurrence(findings, (f) => f.line);
    // Same key on the same line first: when one of several identical lines (`replicas: 1` twice in a
    // file) is no longer reported, the other keeps its own judgement instead of taking the first's.
    // Then the n-th occurrence, so a judgement survives line shifts.
    const take = (f, j) => {
      if (!j || j.matched || f.matchedJudgement) return;
      j.matched = true;
      f.matchedJudgement = true;
      if (VERDICTS.includes(j.verdict)) f.judgement = j;
    };
    for (const f of findings) take(f, byLine.get(`${f.key}\u0000${f.line}`));
    for (const f of findings) take(f, byKey.get(`${f.key}\u0000${f.occ}`));
    findings.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.ruleId.localeCompare(b.ruleId));
    results.push({ repo, findings });
  }

  // Per-rule summary.
  const stats = new Map();
  const stat = (rule) => {
    if (!stats.has(rule)) stats.set(rule, { TP: 0, FP: 0, debatable: 0, new: 0, goneTP: 0, fixed: 0 });
    return stats.get(rule);
  };
  const unjudged = [];
  for (const { findings } of results) {
    for (const f of findings) {
      if (f.judgement) stat(f.ruleId)[f.judgement.verdict]++;
      else {
        stat(f.ruleId).new++;
        unjudged.push(f);
      }
    }
  }
  const gone = judgements.filter((j) => !j.matched && ran.has(j.repo) && VERDICTS.includes(j.verdict));
  for (const j of gone) stat(j.rule)[j.verdict === 'TP' ? 'goneTP' : 'fixed']++;

  const pct = (a, b) => (b ? `${Math.round((100 * a) / b)}%` : '-');
  const total = { TP: 0, FP: 0, debatable: 0, new: 0, goneTP: 0, fixed: 0 };
  const rows = [...stats.keys()].sort().map((rule) => {
    const s = stats.get(rule);
    for (const k of Object.keys(total)) total[k] += s[k];
    return [rule, s];
  });
  rows.push(['TOTAL', total]);
  const header = ['rule', 'TP', 'FP', 'debatable', 'new', 'gone TP', 'fixed', 'precision', 'debatable share'];
  const table = rows.map(([rule, s]) => [rule, s.TP, s.FP, s.debatable, s.new, s.goneTP, s.fixed, pct(s.TP, s.TP + s.FP), pct(s.debatable, s.TP + s.FP + s.debatable)].map(String));
  const widths = header.map((h, i) => Math.max(h.length, ...table.map((r) => r[i].length)));
  const fmt = (cells) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  console.log(`${ran.size} of ${repos.length} repositories checked`);
  console.log(fmt(header));
  for (const r of table) console.log(fmt(r));
  for (const j of gone.filter((g) => g.verdict === 'TP')) console.log(`gone TP (a true finding lost): ${j.repo} ${j.rule} ${j.file}:${j.line} ${j.snippet}`);
  for (const j of gone.filter((g) => g.verdict !== 'TP')) console.log(`fixed (${j.verdict} no longer reported): ${j.repo} ${j.rule} ${j.file}:${j.line}`);
  if (unjudged.length) console.log(`${unjudged.length} unjudged finding(s); run with --append-new to add them to judgements.tsv`);

  if (args.appendNew && unjudged.length) {
    const exists = fs.existsSync(judgementsFile);
    const lines = unjudged.map((f) => [f.repo, f.ruleId, f.file, f.line, f.snippet, '?', ''].join('\t'));
    fs.appendFileSync(judgementsFile, (exists ? '' : COLUMNS.join('\t') + '\n') + lines.join('\n') + '\n');
    console.log(`appended ${lines.length} row(s) with verdict '?' to ${path.relative(process.cwd(), judgementsFile)}`);
  }

  if (args.write) {
    const out = ['# Real-world review: findings and verdicts', '', 'Generated by `node docs/review/run.mjs --write` from `judgements.tsv`; do not edit by hand.', ''];
    out.push('| ' + header.join(' | ') + ' |', '|' + header.map(() => '---').join('|') + '|');
    for (const r of table) out.push('| ' + r.join(' | ') + ' |');
    out.push('');
    for (const { repo, findings } of results) {
      out.push(`## ${repo.name} @ ${repo.commit.slice(0, 12)} (${repo.kind})`, '', `${findings.length} finding(s).`, '');
      if (!findings.length) continue;
      out.push('| rule | file:line | source | verdict | why |', '|---|---|---|---|---|');
      for (const f of findings) {
        const j = f.judgement;
        out.push(`| ${f.ruleId} | ${md(f.file)}:${f.line} | \`${md(f.snippet.slice(0, 80))}\` | ${j ? j.verdict : 'NEW'} | ${md(j ? j.why : '')} |`);
      }
      out.push('');
    }
    fs.writeFileSync(findingsFile, out.join('\n'));
    console.log(`wrote ${path.relative(process.cwd(), findingsFile)}`);
  }
  if (args.strict && unjudged.length) process.exit(1);
}

main();
