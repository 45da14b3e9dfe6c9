import type { DocumentKind, Rule } from '../engine/types';

const RULE_ID = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/;

export interface Registry {
  /** Every rule, sorted by id. */
  readonly all: readonly Rule[];
  get(id: string): Rule | undefined;
  forKind(kind: DocumentKind): readonly Rule[];
}

/** Builds the registry; refuses a duplicate or malformed id at start-up, like kube-linter's Register. */
export function createRegistry(rules: readonly Rule[]): Registry {
  const byId = new Map<string, Rule>();
  for (const rule of rules) {
    if (!RULE_ID.test(rule.id) || rule.id.length > 63) throw new Error(`rule id '${rule.id}' is not kebab-case or too long`);
    if (byId.has(rule.id)) throw new Error(`duplicate rule id '${rule.id}'`);
    byId.set(rule.id, rule);
  }
  const all = [...byId.values()].sort((a, b) => a.id.localeCompare(b.id));
  const byKind = new Map<DocumentKind, Rule[]>();
  for (const rule of all) {
    for (const kind of rule.kinds) {
      if (!byKind.has(kind)) byKind.set(kind, []);
      byKind.get(kind)!.push(rule);
    }
  }
  return {
    all,
    get: (id) => byId.get(id),
    forKind: (kind) => byKind.get(kind) ?? [],
  };
}
