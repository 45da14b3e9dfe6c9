// What the project model believes about one file, and why: `prodready explain <file>` and the
// editor's "Explain This File" command print this, so a user who disagrees can see the evidence and
// override it with `roles:` in .prodready.yaml.

import * as path from 'node:path';
import type { Registry } from '../../rules/registry';
import type { Config } from '../config';
import type { ParsedDocument } from '../document';
import type { WorkspaceFacts } from '../workspace-facts';
import { appliesTo, roleOf, ruleContext } from '../analyze';
import { isGenerated, jsSignals } from './js-signals';
import { ROLE_DESCRIPTIONS, type RoleAnswer } from './roles';
import { dockerfileFacts, toollessImage } from './manifest-roles';
import { settingsModule } from './python-settings';

export interface Explanation {
  /** Relative to the workspace root. */
  file: string;
  kind: string;
  role: RoleAnswer & { description: string };
  package?: { dir: string; kind?: string; frontEnd?: string };
  /** Other things the model knows about the file: the signals it read and the links it follows. */
  facts: string[];
  /** The rules for this kind of file, split by whether they apply to its role. */
  rules: { apply: string[]; skip: string[] };
}

export function explain(doc: ParsedDocument, options: { registry: Registry; config: Config; workspace: WorkspaceFacts }): Explanation {
  const role = roleOf(doc, options);
  const pkg = options.workspace.packageOf(doc.path);
  const facts: string[] = [];
  if (doc.kind === 'js') {
    const signals = jsSignals(doc);
    if (signals.imports.length > 0) facts.push(`imports: ${signals.imports.slice(0, 12).join(', ')}${signals.imports.length > 12 ? ', ...' : ''}`);
    if (signals.browserGlobals.length > 0) facts.push(`browser globals: ${signals.browserGlobals.map((g) => g.name).join(', ')}`);
    if (signals.directive) facts.push(`directive: '${signals.directive}'`);
    if (signals.shebang) facts.push('starts with a #! line');
    if (signals.readsArgv) facts.push('reads process.argv');
    if (isGenerated(doc.text)) facts.push('marked as generated');
    const script = options.workspace.scriptRole(doc.path);
    if (script) facts.push(`an npm script runs it (${script === 'service' ? 'the script that starts the service' : 'a one-off script'})`);
    const served = options.workspace.servedStatically(doc.path);
    if (served) facts.push(`in ${served.folder}, served statically by ${options.workspace.relativePath(served.path)}:${served.line}`);
    const importers = options.workspace.importersOf(doc.path);
    if (importers && importers.length > 0) facts.push(`imported by: ${importers.slice(0, 5).map((i) => options.workspace.relativePath(i.path) + (i.commandLineTool ? ' (a command line tool)' : '')).join(', ')}${importers.length > 5 ? ', ...' : ''}`);
    const sigterm = options.workspace.handlesSigterm(doc.path);
    if (sigterm !== undefined) facts.push(sigterm ? 'another file of its package handles SIGTERM' : 'no other file of its package handles SIGTERM');
  }
  if (doc.kind === 'python') {
    const settings = settingsModule(doc);
    if (settings) facts.push(settings.reason);
  }
  if (doc.kind === 'dockerfile') {
    for (const s of options.workspace.composeServicesBuilding(doc.path)) {
      facts.push(`built by compose service \`${s.service}\` (${options.workspace.relativePath(s.path)}:${s.line})${s.healthcheck ? ', which declares a healthcheck' : ''}${s.command ? `, command \`${s.command}\`` : ''}`);
    }
    for (const use of options.workspace.kubernetesRunning(doc.path) ?? []) {
      facts.push(`its image${typeof use.container.image === 'string' ? ` \`${use.container.image}\`` : ''} runs in Kubernetes ${use.object.kind} \`${use.object.name ?? '?'}\` (${options.workspace.relativePath(use.object.path)}:${use.object.line})${use.link ? `, linked because ${use.link}` : ''}`);
    }
    for (const run of options.workspace.composeRunning?.(doc.path) ?? []) {
      facts.push(`its image \`${run.image}\` runs as compose service \`${run.service}\` (${options.workspace.relativePath(run.path)}:${run.line})${run.healthcheck ? ', which declares a healthcheck' : ''}, linked because ${run.link}`);
    }
    const image = dockerfileFacts(doc);
    const toolless = toollessImage(image.baseImage, image.stages[image.stages.length - 1]?.instructions ?? []);
    if (toolless) facts.push(`no health check can run in it: ${toolless}`);
  }
  const apply: string[] = [];
  const skip: string[] = [];
  for (const rule of options.registry.forKind(doc.kind)) {
    (appliesTo(rule, ruleContext(rule, doc, options, role)) ? apply : skip).push(rule.id);
  }
  return {
    file: doc.relativePath,
    kind: doc.kind,
    role: { ...role, ...(role.evidence ? { evidence: { ...role.evidence, path: options.workspace.relativePath(role.evidence.path) } } : {}), description: ROLE_DESCRIPTIONS[role.role] },
    ...(pkg ? { package: { dir: relativeDir(doc, pkg.dir), kind: pkg.kind, frontEnd: pkg.frontEnd } } : {}),
    facts,
    rules: { apply, skip },
  };
}

/** The explanation as a person reads it (the CLI's text format, the editor's Markdown). */
export function explanationText(e: Explanation): string {
  const lines = [
    `${e.file}: ${e.role.role} (${e.role.description})`,
    `  why: ${e.role.reason}${e.role.evidence ? ` [${e.role.evidence.path}${e.role.evidence.line ? `:${e.role.evidence.line}` : ''}]` : ''}`,
    `  decided by: ${e.role.source}`,
    `  kind: ${e.kind}`,
  ];
  if (e.package) lines.push(`  package: ${e.package.dir}${e.package.kind ? ` (${e.package.kind})` : ''}${e.package.frontEnd ? `, a front-end package: ${e.package.frontEnd}` : ''}`);
  for (const fact of e.facts) lines.push(`  ${fact}`);
  lines.push(`  rules that apply: ${e.rules.apply.join(', ') || 'none'}`);
  if (e.rules.skip.length > 0) lines.push(`  rules that do not apply to ${e.role.role} files: ${e.rules.skip.join(', ')}`);
  lines.push(`  disagree? map it in .prodready.yaml: roles: { "${globFor(e.file)}": service }`);
  return `${lines.join('\n')}\n`;
}

/** A folder relative to the document's workspace root (`.` for the root itself). */
function relativeDir(doc: ParsedDocument, dir: string): string {
  const root = doc.path.endsWith(doc.relativePath) ? doc.path.slice(0, doc.path.length - doc.relativePath.length).replace(/\/$/, '') : '';
  const rel = root ? path.posix.relative(root, dir) : dir;
  return rel === '' ? '.' : rel;
}

function globFor(file: string): string {
  const dir = path.posix.dirname(file);
  return dir === '.' ? file : `${dir}/**`;
}
