// One file's text in, its findings out, with the configuration that applies to it. The server
// and the CLI both go through here, which is why the editor and CI never disagree.

import type { Registry } from '../rules/registry';
import { analyze, type RuleCrash } from './analyze';
import { isExcluded, mergeConfig, ruleLevel, ruleOptions, type Config } from './config';
import type { ConfigFile, ConfigLoader } from './config-file';
import type { ParsedDocument } from './document';
import { prepare, type Prepared, type SourceInput } from './source';
import { unparsedFileRole } from './model/file-role';
import type { Finding } from './types';
import { NO_WORKSPACE_FACTS, type WorkspaceFacts } from './workspace-facts';
import { applySuppressions, type Suppressed } from './suppressions';

export interface CheckEnvironment {
  registry: Registry;
  configs: ConfigLoader;
  /** The editor's settings (or the CLI's `--config` file) under the `.prodready.yaml` files. */
  baseConfig: Config;
  workspace?: WorkspaceFacts;
  maxBytes?: number;
  /** Per-file time budget for the rules (see `limits.ts`). */
  timeBudgetMs?: number;
  /** Report findings even where an ignore comment, annotation or config ignore suppresses them. */
  ignoreSuppressions?: boolean;
}

export interface CheckInput extends SourceInput {
  /** The workspace folder (or the CLI's root): config discovery stops here, relativePath starts here. */
  rootDir: string;
}

export interface CheckResult {
  /** Undefined when the file is not analysed (not a kind prodready reads, excluded, binary, too large). */
  doc?: ParsedDocument;
  config: Config;
  /** The config files that made `config` (root first), so callers need not look them up again. */
  configFiles: ConfigFile[];
  findings: Finding[];
  /** Findings an ignore suppressed (reported as suppressions in SARIF). */
  suppressed: Suppressed[];
  crashes: RuleCrash[];
  excluded: boolean;
}

/** The `.prodready.yaml` files that apply to a file (root first) and the configuration they make with the base. */
function configFor(input: Pick<CheckInput, 'path' | 'rootDir'>, env: CheckEnvironment): { config: Config; configFiles: ConfigFile[] } {
  const configFiles = env.configs.configFilesFor(input.path, input.rootDir);
  return { config: configFiles.reduce(mergeOnce, env.baseConfig), configFiles };
}

/**
 * Every file of a folder gets the same merged config object (config files are cached by the loader),
 * so what is compiled from it (the exclude globs) is compiled once, not once per file.
 */
const merged = new WeakMap<Config, WeakMap<ConfigFile, Config>>();
function mergeOnce(base: Config, file: ConfigFile): Config {
  let byFile = merged.get(base);
  if (!byFile) merged.set(base, (byFile = new WeakMap()));
  let config = byFile.get(file);
  if (!config) byFile.set(file, (config = mergeConfig(base, file.config)));
  return config;
}

/**
 * Whether a file too large (or too costly) to parse is worth a notice: only when some rule would have
 * read it. The project model says what it is for without parsing it (`unparsedFileRole`): vendored
 * bundles, generated code, front-end code and CustomResourceDefinitions are read by no rule, so
 * skipping them loses nothing. Binary data in a file of a kind prodready reads is always reported.
 */
function noticeMatters(input: CheckInput, prepared: Extract<Prepared, { status: 'skipped' }>, env: CheckEnvironment, config: Config): boolean {
  if (prepared.unread !== 'size') return true;
  const role = unparsedFileRole(input, prepared.kind, env.workspace ?? NO_WORKSPACE_FACTS, config.roles);
  if (role.role === 'service') return true;
  return env.registry.forKind(prepared.kind).some((rule) => {
    if (ruleLevel(rule, config) === 'off') return false;
    const roles = typeof rule.roles === 'function' ? rule.roles(ruleOptions(rule, config)) : rule.roles;
    return roles.includes(role.role);
  });
}

export function checkText(input: CheckInput, env: CheckEnvironment, previous?: ParsedDocument): CheckResult {
  const { config, configFiles } = configFor(input, env);
  const none = { config, configFiles, findings: [], suppressed: [], crashes: [], excluded: false };
  if (isExcluded(input.relativePath, config.exclude)) return { ...none, excluded: true };
  const prepared = prepare(input, env.maxBytes, previous);
  if (prepared.status === 'ignored') return none;
  if (prepared.status === 'skipped') return { ...none, findings: noticeMatters(input, prepared, env, config) ? [prepared.notice] : [] };
  const { findings, crashes, skipped } = analyze(prepared.doc, { registry: env.registry, config, workspace: env.workspace, timeBudgetMs: env.timeBudgetMs });
  // A document no rule could read safely is reported like a file too large: its notice, no parse kept.
  if (skipped) return { ...none, findings, crashes };
  if (env.ignoreSuppressions) return { ...none, doc: prepared.doc, findings, crashes };
  const result = applySuppressions(prepared.doc, findings, config, env.registry);
  return { ...none, doc: prepared.doc, findings: result.findings, suppressed: result.suppressed, crashes };
}
