// The `prodready.*` settings of one resource, as the client sends them, read defensively: a
// client may send nothing (no configuration support), partial objects, or wrong types.

import { globProblem, readRules, type Config, type ConfigProblem } from '../engine/config';
import { DEFAULT_MAX_FILE_BYTES } from '../engine/source';
import type { Registry } from '../rules/registry';

export interface Settings {
  enable: boolean;
  run: 'onType' | 'onSave';
  debounceMs: number;
  scope: 'openFiles' | 'workspace';
  maxFileSizeKb: number;
  /** rules and exclude from settings, the base under the `.prodready.yaml` files. */
  config: Config;
}

export const DEFAULT_SETTINGS: Settings = {
  enable: true,
  run: 'onType',
  debounceMs: 150,
  scope: 'openFiles',
  maxFileSizeKb: DEFAULT_MAX_FILE_BYTES / 1024,
  config: { rules: {}, exclude: [], ignore: [], requireReason: false, roles: [] },
};

export function readSettings(raw: unknown, registry: Registry): { settings: Settings; problems: string[] } {
  const problems: string[] = [];
  const r = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
  const pick = <T>(key: string, ok: (v: unknown) => boolean, fallback: T): T => {
    const value = r[key];
    if (value === undefined || value === null) return fallback;
    if (ok(value)) return value as T;
    problems.push(`prodready.${key} has an invalid value ${JSON.stringify(value)}; using ${JSON.stringify(fallback)}`);
    return fallback;
  };
  const isNumber = (v: unknown) => typeof v === 'number' && Number.isFinite(v) && v >= 0;
  const ruleProblems: ConfigProblem[] = [];
  const rules = readRules(r.rules, registry, ruleProblems);
  for (const p of ruleProblems) problems.push(`prodready.${p.path.join('.')}: ${p.message}`);
  const exclude = pick<string[]>('exclude', (v) => Array.isArray(v) && v.every((g) => typeof g === 'string'), []).filter((glob) => {
    const problem = globProblem(glob);
    if (problem) problems.push(`prodready.exclude: ${JSON.stringify(glob)} ${problem}; it is not used`);
    return !problem;
  });
  return {
    settings: {
      enable: pick('enable', (v) => typeof v === 'boolean', DEFAULT_SETTINGS.enable),
      run: pick('run', (v) => v === 'onType' || v === 'onSave', DEFAULT_SETTINGS.run),
      debounceMs: pick('debounceMs', isNumber, DEFAULT_SETTINGS.debounceMs),
      scope: pick('scope', (v) => v === 'openFiles' || v === 'workspace', DEFAULT_SETTINGS.scope),
      maxFileSizeKb: pick('maxFileSizeKb', isNumber, DEFAULT_SETTINGS.maxFileSizeKb),
      config: { rules, exclude, ignore: [], requireReason: false, roles: [] },
    },
    problems,
  };
}
