// `.prodready.yaml`: the nearest file above a document applies, merged with the ones above it up
// to the root (the workspace folder, or the CLI's starting point). The CLI and the server both
// read it through this module, so they always agree.

import { FILE_ROLES, isFileRole } from './model/roles';
import type { RoleOverride } from './model/file-role';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { LineCounter, parseDocument, isMap, isSeq, isScalar, visit, type Node as YamlNode } from 'yaml';
import type { Registry } from '../rules/registry';
import { CONFIG_FILE_NAME } from './classify';
import { FACT_FILE_MAX_BYTES, readRegularFile } from './safe-read';
import { EMPTY_CONFIG, globProblem, mergeConfig, readRules, type Config, type ConfigProblem, type ManifestIgnore } from './config';

export interface ConfigFileProblem extends ConfigProblem {
  /** Offsets in the config file's text. */
  start: number;
  end: number;
}

export interface ConfigFile {
  path: string;
  config: Partial<Config>;
  problems: ConfigFileProblem[];
  /** True when the file could not be read or parsed at all (nothing in it applies). */
  unusable: boolean;
}

/** Parses the text of one `.prodready.yaml`. Exclude globs come back relative to `rootDir`. */
export function parseConfigFile(text: string, filePath: string, registry: Registry, rootDir?: string): ConfigFile {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter });
  const problems: ConfigFileProblem[] = [];
  if (doc.errors.length > 0) {
    const error = doc.errors[0];
    const { line, col } = lineCounter.linePos(error.pos[0]);
    problems.push({
      path: [],
      start: error.pos[0],
      end: Math.max(error.pos[1], error.pos[0] + 1),
      message: `${CONFIG_FILE_NAME} is not valid YAML (line ${line}, column ${col}): ${error.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '')}.`,
    });
    return { path: filePath, config: {}, problems, unusable: true };
  }
  let raw: unknown;
  try {
    raw = doc.toJS({ maxAliasCount: 100 });
  } catch (error) {
    // An alias bomb (`a: &a [x, x]`, `b: &b [*a, *a]`, ...) or aliases that cannot be resolved.
    let where: [number, number] = [0, Math.min(text.length, 1)];
    visit(doc, {
      Alias(_, node) {
        if (node.range) where = [node.range[0], node.range[1]];
        return visit.BREAK;
      },
    });
    problems.push({
      path: [],
      start: where[0],
      end: Math.max(where[1], where[0] + 1),
      message: `${CONFIG_FILE_NAME} cannot be read: ${(error as Error).message.replace(/\.$/, '')}. Write the values out instead of through aliases.`,
    });
    return { path: filePath, config: {}, problems, unusable: true };
  }
  const locate = (keys: Array<string | number>): [number, number] => {
    let node: YamlNode | null | undefined = doc.contents as YamlNode | null;
    let range: [number, number] = [0, Math.min(text.length, 1)];
    for (const key of keys) {
      if (isMap(node)) {
        const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(key));
        if (!pair) break;
        const keyNode = pair.key as YamlNode;
        if (keyNode.range) range = [keyNode.range[0], keyNode.range[1]];
        node = pair.value as YamlNode | null;
        if (node?.range && keys.indexOf(key) === keys.length - 1 && !isMap(node) && !isSeq(node)) range = [node.range[0], node.range[1]];
      } else if (isSeq(node) && typeof key === 'number') {
        node = node.items[key] as YamlNode | null;
        if (node?.range) range = [node.range[0], node.range[1]];
      } else break;
    }
    return range;
  };
  const plain: ConfigProblem[] = [];
  const config: Partial<Config> = {};
  if (raw === null || raw === undefined) return { path: filePath, config, problems, unusable: false };
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    plain.push({ path: [], message: `${CONFIG_FILE_NAME} must be a map with keys rules, exclude, ignore, roles, requireReason.` });
  } else {
    const record = raw as Record<string, unknown>;
    for (const key of Object.keys(record)) {
      if (!['rules', 'exclude', 'ignore', 'roles', 'requireReason'].includes(key)) {
        plain.push({ path: [key], message: `Unknown key '${key}': ${CONFIG_FILE_NAME} takes rules, exclude, ignore, roles, requireReason.` });
      }
    }
    config.rules = readRules(record.rules, registry, plain);
    const dir = path.dirname(filePath);
    const prefix = rootDir ? path.relative(rootDir, dir).split(path.sep).join('/') : '';
    const rooted = (glob: string): string => (prefix ? `${prefix}/${glob.replace(/^\.\//, '')}` : glob.replace(/^\.\//, ''));
    if (record.roles !== undefined) config.roles = readRoles(record.roles, rooted, rootDir ? path.relative(rootDir, filePath).split(path.sep).join('/') : filePath, plain);
    if (record.exclude !== undefined) {
      if (Array.isArray(record.exclude) && record.exclude.every((g) => typeof g === 'string')) {
        const usable = (record.exclude as string[]).filter((glob, i) => {
          const problem = globProblem(glob);
          if (problem) plain.push({ path: ['exclude', i], message: `This exclude glob ${problem}: it is not used. Write it as several simpler globs.` });
          return !problem;
        });
        config.exclude = usable.map(rooted);
      } else {
        plain.push({ path: ['exclude'], message: '`exclude` must be a list of glob patterns.' });
      }
    }
    if (record.ignore !== undefined) config.ignore = readIgnores(record.ignore, registry, plain);
    if (record.requireReason !== undefined) {
      if (typeof record.requireReason === 'boolean') config.requireReason = record.requireReason;
      else plain.push({ path: ['requireReason'], message: '`requireReason` must be true or false.' });
    }
  }
  for (const problem of plain) {
    const [start, end] = locate(problem.path);
    problems.push({ ...problem, start, end });
  }
  return { path: filePath, config, problems, unusable: false };
}

/** `roles:` is a map of glob to role (`"public/**": browser`), applied in order, the last match winning. */
function readRoles(raw: unknown, rooted: (glob: string) => string, source: string, problems: ConfigProblem[]): RoleOverride[] {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    problems.push({ path: ['roles'], message: `\`roles\` must be a map of glob to role (${FILE_ROLES.join(', ')}).` });
    return [];
  }
  const out: RoleOverride[] = [];
  for (const [glob, role] of Object.entries(raw as Record<string, unknown>)) {
    if (!isFileRole(role)) {
      problems.push({ path: ['roles', glob], message: `Unknown role ${JSON.stringify(role)} for '${glob}': use one of ${FILE_ROLES.join(', ')}.` });
      continue;
    }
    const problem = globProblem(glob);
    if (problem) {
      problems.push({ path: ['roles', glob], message: `This roles glob ${problem}: it is not used. Write it as several simpler globs.` });
      continue;
    }
    out.push({ glob: rooted(glob), role, source });
  }
  return out;
}

function readIgnores(raw: unknown, registry: Registry, problems: ConfigProblem[]): ManifestIgnore[] {
  if (!Array.isArray(raw)) {
    problems.push({ path: ['ignore'], message: '`ignore` must be a list of { rule, kind, name, namespace }.' });
    return [];
  }
  const ignores: ManifestIgnore[] = [];
  raw.forEach((entry, i) => {
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
      problems.push({ path: ['ignore', i], message: 'Each ignore is a map: { rule, kind, name, namespace }.' });
      return;
    }
    const e = entry as Record<string, unknown>;
    if (typeof e.rule !== 'string' || !registry.get(e.rule)) {
      problems.push({ path: ['ignore', i], message: `Ignore entry ${i + 1} needs 'rule' set to a known rule id.` });
      return;
    }
    const bad = Object.keys(e).find((k) => !['rule', 'kind', 'name', 'namespace'].includes(k) || typeof e[k] !== 'string');
    if (bad) {
      problems.push({ path: ['ignore', i, bad], message: `Ignore entry ${i + 1}: '${bad}' is not one of rule, kind, name, namespace (strings).` });
      return;
    }
    ignores.push(e as unknown as ManifestIgnore);
  });
  return ignores;
}

/**
 * Reads config files from disk with a small cache keyed by modification time, so that finding the
 * configuration of a document costs a few `stat` calls, not a parse.
 */
export class ConfigLoader {
  private readonly files = new Map<string, { mtimeMs: number; size: number; file: ConfigFile }>();
  private readonly lastGood = new Map<string, Partial<Config>>();
  /** With `frozen`, each path's answer is read from disk once (a CLI run: files do not change under it). */
  private readonly frozen: Map<string, ConfigFile | undefined> | undefined;
  /** Whether the client reports changes to config files (see `changesAreReported`). */
  private reported = false;

  constructor(
    private readonly registry: Registry,
    options: { frozen?: boolean } = {},
  ) {
    this.frozen = options.frozen ? new Map() : undefined;
  }

  /** The `.prodready.yaml` files that apply to `filePath`, from `rootDir` down to the nearest. */
  configFilesFor(filePath: string, rootDir: string): ConfigFile[] {
    const found: ConfigFile[] = [];
    let dir = path.dirname(path.resolve(filePath));
    const root = path.resolve(rootDir);
    for (;;) {
      const candidate = path.join(dir, CONFIG_FILE_NAME);
      const file = this.read(candidate, root);
      if (file) found.unshift(file);
      if (dir === root || !dir.startsWith(root + path.sep)) break;
      const parent = path.dirname(dir);
      if (parent === dir) break;
      dir = parent;
    }
    return found;
  }

  /** The merged configuration for `filePath`, on top of `base` (the editor's settings). */
  configFor(filePath: string, rootDir: string, base: Config = EMPTY_CONFIG): Config {
    let config = base;
    for (const file of this.configFilesFor(filePath, rootDir)) config = mergeConfig(config, file.config);
    return config;
  }

  /** A config file read from disk (cached by mtime), or undefined when there is none. */
  read(filePath: string, rootDir?: string): ConfigFile | undefined {
    if (this.frozen) {
      if (!this.frozen.has(filePath)) this.frozen.set(filePath, this.readFromDisk(filePath, rootDir));
      return this.frozen.get(filePath);
    }
    return this.readFromDisk(filePath, rootDir);
  }

  private readFromDisk(filePath: string, rootDir?: string): ConfigFile | undefined {
    let stat: fs.Stats | undefined;
    try {
      // Most folders have no config file: no exception for that (an exception per folder level per
      // file was a sixth of a workspace scan's time).
      stat = fs.statSync(filePath, { throwIfNoEntry: false });
    } catch {
      stat = undefined;
    }
    if (!stat) {
      this.files.delete(filePath);
      return undefined;
    }
    if (!stat.isFile()) return undefined;
    const cached = this.files.get(filePath);
    if (cached && (this.reported || (cached.mtimeMs === stat.mtimeMs && cached.size === stat.size))) return cached.file;
    let file: ConfigFile;
    try {
      const read = readRegularFile(filePath, FACT_FILE_MAX_BYTES);
      if (!read.ok) throw new Error(read.reason);
      file = this.parse(read.text, filePath, rootDir);
    } catch (error) {
      file = this.keepLastGood({
        path: filePath,
        config: {},
        unusable: true,
        problems: [{ path: [], start: 0, end: 0, message: `${CONFIG_FILE_NAME} cannot be read: ${(error as Error).message}` }],
      });
    }
    this.files.set(filePath, { mtimeMs: stat.mtimeMs, size: stat.size, file });
    return file;
  }

  /** Parses a config file's text (from disk or from an open editor), keeping the last good configuration if it is broken. */
  parse(text: string, filePath: string, rootDir?: string): ConfigFile {
    return this.keepLastGood(parseConfigFile(text, filePath, this.registry, rootDir));
  }

  /** A config file that cannot be used keeps the last configuration that could: analysis goes on as before. */
  private keepLastGood(file: ConfigFile): ConfigFile {
    if (!file.unusable) {
      this.lastGood.set(file.path, file.config);
      return file;
    }
    const last = this.lastGood.get(file.path);
    return last ? { ...file, config: last } : file;
  }

  /**
   * The client watches config files and reports each change (the server then calls `forget`): a file
   * read once is used until then, whatever its modification time says meanwhile. A lookup made while
   * another program writes the file (truncated, then written) would otherwise read it half-written:
   * an empty file is a valid configuration, and it would become the "last good" one that a broken
   * file falls back to.
   */
  changesAreReported(): void {
    this.reported = true;
  }

  forget(filePath?: string): void {
    if (filePath) this.files.delete(filePath);
    else this.files.clear();
  }
}
