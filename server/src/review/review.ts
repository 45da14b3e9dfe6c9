// The Production Readiness Review of a workspace: its services (from the project model's facts) and,
// for each, the checklist's items with pass / fail / unknown and the file:line evidence behind each.
// Pure: files (paths, texts, roles, findings) in, the review out. The edges (CLI, server) read the
// disk and run the checks (see `collect.ts`).

import * as path from 'node:path';
import type { DocumentKind, FileRole, Severity } from '../engine/types';
import { parsePackageJson } from '../engine/package-json';
import { CHECKLIST, SECTIONS, type ChecklistItem, type SectionId, type Signal, type SignalFiles } from './checklist';

/** One file of the workspace as the review sees it. */
export interface ReviewFile {
  /** Relative to the review's root (the CLI: the current folder), forward slashes. */
  path: string;
  /** The analyser the file got; undefined for files prodready does not analyse (package.json, README). */
  kind?: DocumentKind;
  /** The project model's answer for analysed files. */
  role?: FileRole;
  /** Undefined when the review needs only the path (a runbook). */
  text?: string;
  /** Active (not suppressed) findings, 1-based lines. */
  findings: readonly ReviewFinding[];
  /** Service code: the routes the service facts read in it (full paths as far as known), 1-based lines. */
  routes?: ReadonlyArray<{ method: string; path: string; line: number }>;
}

export interface ReviewFinding {
  ruleId: string;
  severity: Severity;
  line: number;
  message: string;
}

export type ItemStatus = 'pass' | 'fail' | 'unknown';

export interface Evidence {
  file: string;
  line: number;
  /** What it shows: "health route", or a finding's message. */
  what: string;
  /** The finding's rule, for evidence that is a finding. */
  ruleId?: string;
  /** The source line, trimmed (at most 160 characters). */
  text?: string;
}

export interface ReviewItem {
  id: string;
  title: string;
  status: ItemStatus;
  blocker: boolean;
  /** Why it has its status, in one sentence. */
  reason: string;
  evidence: Evidence[];
  /** For `unknown`: what the project did not show. */
  missing: string[];
  /** The rules whose findings fail this item. */
  rules: string[];
}

export interface ReviewSection {
  id: SectionId;
  title: string;
  items: ReviewItem[];
}

export interface ServiceReview {
  name: string;
  /** The service's folder relative to the root ('.' for the root itself). */
  path: string;
  /** What made it a service: an application package.json, a service Dockerfile, a Python project. */
  source: { file: string; line: number; what: string };
  summary: { pass: number; fail: number; unknown: number; blockers: number };
  /** Ids of the failing blocker items, in checklist order. */
  blockers: string[];
  sections: ReviewSection[];
}

export interface Review {
  version: 1;
  services: ServiceReview[];
  summary: { services: number; pass: number; fail: number; unknown: number; blockers: number };
}

export const SIGN_OFF_ROLES = ['Service owner', 'SRE / on-call', 'Security'] as const;

interface ServiceRoot {
  name: string;
  dir: string;
  source: ServiceReview['source'];
}

const dirOf = (p: string) => {
  const d = path.posix.dirname(p);
  return d === '' ? '.' : d;
};
const inside = (file: string, dir: string) => dir === '.' || file === dir || file.startsWith(`${dir}/`);
const depth = (dir: string) => (dir === '.' ? 0 : dir.split('/').length);

const PYTHON_PROJECT = /(?:^|\/)(?:pyproject\.toml|requirements(?:[-_.]\w+)?\.txt|setup\.py|Pipfile)$/;
const PACKAGE_FILES = /(?:^|\/)(?:package\.json|pyproject\.toml|requirements(?:[-_.]\w+)?\.txt|setup\.py|Pipfile)$/;

/**
 * The services of the workspace: application packages (package.json: private or with a start script,
 * not a front-end app, not a workspaces root), then folders with a service Dockerfile or a Python
 * project with service code that no package holds. With none of these, the root is one service when
 * it holds service code or manifests.
 */
export function findServices(files: readonly ReviewFile[], rootName: string): ServiceRoot[] {
  const roots: ServiceRoot[] = [];
  for (const f of files) {
    if (path.posix.basename(f.path) !== 'package.json' || f.text === undefined) continue;
    const dir = dirOf(f.path);
    const info = parsePackageJson(f.text, dir);
    if (!info || info.kind !== 'application' || info.frontEnd) continue;
    let name: string | undefined;
    let workspaces = false;
    try {
      const json = JSON.parse(f.text) as Record<string, unknown>;
      if (typeof json.name === 'string' && json.name) name = json.name;
      workspaces = json.workspaces !== undefined;
    } catch {
      continue;
    }
    if (workspaces) continue; // a monorepo's root: its packages are the services
    roots.push({ name: name ?? (dir === '.' ? rootName : path.posix.basename(dir)), dir, source: { file: f.path, line: 1, what: 'application package' } });
  }
  const held = (dir: string) => roots.some((r) => inside(dir, r.dir));
  const others = files
    .filter((f) => (f.kind === 'dockerfile' && f.role === 'service') || (PYTHON_PROJECT.test(f.path) && hasPythonService(files, dirOf(f.path))))
    .sort((a, b) => depth(dirOf(a.path)) - depth(dirOf(b.path)) || a.path.localeCompare(b.path));
  for (const f of others) {
    const dir = dirOf(f.path);
    if (held(dir)) continue;
    roots.push({ name: dir === '.' ? rootName : path.posix.basename(dir), dir, source: { file: f.path, line: 1, what: f.kind === 'dockerfile' ? 'service image' : 'Python project with service code' } });
  }
  if (roots.length === 0) {
    const first = files.find((f) => f.role === 'service');
    if (first) roots.push({ name: rootName, dir: '.', source: { file: first.path, line: 1, what: 'service code' } });
  }
  return roots.sort((a, b) => a.dir.localeCompare(b.dir) || a.name.localeCompare(b.name));
}

function hasPythonService(files: readonly ReviewFile[], dir: string): boolean {
  return files.some((f) => f.kind === 'python' && f.role === 'service' && inside(f.path, dir));
}

const MANIFEST_KINDS = new Set<DocumentKind>(['kubernetes', 'compose', 'ecs', 'dockerfile']);
const wordIn = (name: string, text: string) => new RegExp(`(?:^|[^\\w-])${name.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}(?:[^\\w-]|$)`).test(text);

/**
 * The files each service owns: those under its folder (the deepest service folder wins). A manifest
 * outside every service folder belongs to the only service, or, with several, to each service its
 * text names (a compose `build:` of the service's folder; the service's name in an image or a name).
 */
export function filesOfServices(files: readonly ReviewFile[], roots: readonly ServiceRoot[]): Map<ServiceRoot, ReviewFile[]> {
  const owned = new Map<ServiceRoot, ReviewFile[]>(roots.map((r) => [r, []]));
  const byDepth = [...roots].sort((a, b) => depth(b.dir) - depth(a.dir));
  for (const f of files) {
    const owner = byDepth.find((r) => inside(f.path, r.dir));
    if (owner) {
      owned.get(owner)!.push(f);
      continue;
    }
    if (!f.kind || !MANIFEST_KINDS.has(f.kind) || f.text === undefined) continue;
    if (roots.length === 1) {
      owned.get(roots[0])!.push(f);
      continue;
    }
    for (const r of roots) {
      const base = path.posix.basename(r.dir);
      const rel = path.posix.relative(dirOf(f.path), r.dir) || '.';
      const named =
        f.kind === 'compose'
          ? new RegExp(`build:\\s*(?:\\n\\s*context:\\s*)?["']?(?:\\./)?${rel.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}/?["']?\\s*$`, 'm').test(f.text)
          : wordIn(r.name, f.text) || (base !== '.' && wordIn(base, f.text));
      if (named) owned.get(r)!.push(f);
    }
  }
  return owned;
}

function signalApplies(files: SignalFiles, f: ReviewFile): boolean {
  switch (files) {
    case 'code':
      return (f.kind === 'js' || f.kind === 'python') && f.role === 'service';
    case 'python':
      return f.kind === 'python' && f.role === 'service';
    case 'routes':
      return f.routes !== undefined && f.role === 'service';
    case 'manifest':
      return f.kind !== undefined && MANIFEST_KINDS.has(f.kind) && f.role !== 'test' && f.role !== 'dev';
    case 'kubernetes':
    case 'compose':
    case 'ecs':
    case 'dockerfile':
      return f.kind === files && f.role !== 'test' && f.role !== 'dev' && f.role !== 'build';
    case 'package':
      return PACKAGE_FILES.test(f.path);
    case 'path':
      return true;
  }
}

/** The text scanned per file: enough for any real source file, bounded for the rest. */
const MAX_SCAN = 1_000_000;

function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

function lineText(text: string, line: number): string {
  const start = line === 1 ? 0 : nthLineStart(text, line);
  const end = text.indexOf('\n', start);
  const s = text.slice(start, end === -1 ? undefined : end).trim();
  return s.length > 160 ? `${s.slice(0, 157)}...` : s;
}

function nthLineStart(text: string, line: number): number {
  let at = 0;
  for (let n = 1; n < line; n++) {
    const next = text.indexOf('\n', at);
    if (next === -1) return text.length;
    at = next + 1;
  }
  return at;
}

/** The first place in `f` that shows `signal`, or undefined. */
function match(signal: Signal, f: ReviewFile): Evidence | undefined {
  if (!signalApplies(signal.files, f)) return undefined;
  if (signal.files === 'path') return signal.re.test(f.path) ? { file: f.path, line: 1, what: signal.what } : undefined;
  if (signal.files === 'routes') {
    const route = f.routes!.find((r) => signal.re.test(r.path));
    return route && { file: f.path, line: route.line, what: `${signal.what} ${route.method.toUpperCase()} ${route.path}`, ...(f.text !== undefined ? { text: lineText(f.text, route.line) } : {}) };
  }
  if (f.text === undefined) return undefined;
  const text = f.text.length > MAX_SCAN ? f.text.slice(0, MAX_SCAN) : f.text;
  const re = new RegExp(signal.re.source, signal.re.flags.includes('g') ? signal.re.flags : `${signal.re.flags}g`);
  for (let m = re.exec(text); m; m = re.exec(text)) {
    if (m[0].length === 0) re.lastIndex++;
    const line = lineAt(text, m.index);
    if (signal.then) {
      const start = nthLineStart(text, line);
      const window = text.slice(start, nthLineStart(text, line + signal.then.within));
      const flags = signal.then.re.flags.replace('g', '');
      if (!new RegExp(signal.then.re.source, flags.includes('m') ? flags : `${flags}m`).test(window)) continue;
    }
    return { file: f.path, line, what: signal.what, text: lineText(text, line) };
  }
  return undefined;
}

/** Every file's evidence for a list of signals, one per file and signal, at most `limit`. */
function evidenceFor(signals: readonly Signal[], files: readonly ReviewFile[], limit = 3): Evidence[] {
  const found: Evidence[] = [];
  for (const f of files) {
    for (const signal of signals) {
      const e = match(signal, f);
      if (e && !found.some((x) => x.file === e.file && x.line === e.line)) found.push(e);
      if (found.length >= limit) return found;
    }
  }
  return found;
}

export function reviewItem(item: ChecklistItem, files: readonly ReviewFile[]): ReviewItem {
  const result = (status: ItemStatus, reason: string, evidence: Evidence[], missing: string[] = []): ReviewItem => ({
    id: item.id,
    title: item.title,
    status,
    blocker: item.blocker,
    reason,
    evidence,
    missing,
    rules: [...item.failRules],
  });
  const failing: Evidence[] = [];
  for (const f of files) {
    for (const finding of f.findings) {
      if (item.failRules.includes(finding.ruleId)) failing.push({ file: f.path, line: finding.line, what: finding.message, ruleId: finding.ruleId });
    }
  }
  if (failing.length > 0) {
    const rules = [...new Set(failing.map((e) => e.ruleId!))];
    return result('fail', `${failing.length} finding${failing.length === 1 ? '' : 's'} of ${rules.join(', ')}`, failing);
  }
  const against = item.failWhen ? evidenceFor(item.failWhen, files) : [];
  if (against.length > 0) return result('fail', against[0].what, against);
  const evidence: Evidence[] = [];
  const missing: string[] = [];
  for (const need of item.needs) {
    const shown = evidenceFor(need.signals, files);
    if (shown.length === 0) missing.push(need.what);
    else evidence.push(...shown);
  }
  // Never pass on no evidence: every need met, each by a file and line.
  if (missing.length === 0 && evidence.length > 0) return result('pass', item.needs.map((n) => n.what).join('; '), evidence);
  return result('unknown', `not shown: ${missing.join('; ')}`, evidence, missing);
}

export function reviewService(root: ServiceRoot, files: readonly ReviewFile[]): ServiceReview {
  const items = CHECKLIST.map((item) => ({ item, result: reviewItem(item, files) }));
  const sections = SECTIONS.map((s) => ({ id: s.id, title: s.title, items: items.filter((i) => i.item.section === s.id).map((i) => i.result) }));
  const all = items.map((i) => i.result);
  const blockers = all.filter((i) => i.blocker && i.status === 'fail').map((i) => i.id);
  const count = (status: ItemStatus) => all.filter((i) => i.status === status).length;
  return {
    name: root.name,
    path: root.dir,
    source: root.source,
    summary: { pass: count('pass'), fail: count('fail'), unknown: count('unknown'), blockers: blockers.length },
    blockers,
    sections,
  };
}

/** The review of a workspace. `rootName` names a service found at the root without a package name. */
export function buildReview(files: readonly ReviewFile[], rootName: string): Review {
  const sorted = [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const roots = findServices(sorted, rootName);
  const owned = filesOfServices(sorted, roots);
  const services = roots.map((r) => reviewService(r, owned.get(r) ?? []));
  const sum = (key: keyof ServiceReview['summary']) => services.reduce((n, s) => n + s.summary[key], 0);
  return { version: 1, services, summary: { services: services.length, pass: sum('pass'), fail: sum('fail'), unknown: sum('unknown'), blockers: sum('blockers') } };
}
