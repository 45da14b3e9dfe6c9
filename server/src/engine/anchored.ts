// A regular expression every match of which starts with one of a few literals (its anchors), so
// that it can be tested where they occur instead of over the whole text. The whole-text prefilters
// (does this file name a route, serve static files, touch a browser global?) cost 0.2-0.9 ms each
// on a 5,000-line file, at every keystroke; an open document carries each anchor's occurrences from
// its previous version (ParsedDocument.occurrences), so there one keystroke costs a search around
// the edit and a sticky match at each occurrence. The answer is the expression's own, exactly, as
// long as every alternative of it starts, `lead` characters in, with an anchor (a lookbehind or `\b`
// before it is fine: the sticky match sees the whole text). test/unit/anchored-patterns.test.ts
// compares both on random texts and edits for every pattern made here.

/** Every pattern made, for the test that checks each against its expression. */
export const ANCHORED_PATTERNS: AnchoredPattern[] = [];

export class AnchoredPattern {
  private readonly sticky: RegExp;

  /**
   * `pattern`: not global or sticky. `anchors`: the literals its matches start with, after `lead`
   * characters (`(['"])(?:pino|winston)\1` starts one character before `pino` or `winston`).
   */
  constructor(
    readonly pattern: RegExp,
    readonly anchors: readonly string[],
    readonly lead = 0,
  ) {
    if (pattern.global || pattern.sticky) throw new Error(`an anchored pattern is tested, not iterated: ${pattern}`);
    this.sticky = new RegExp(pattern.source, `${pattern.flags}y`);
    ANCHORED_PATTERNS.push(this);
  }

  /** Whether the pattern matches `text`, tried at the anchors' occurrences only (`occurrences(anchor)`: ascending offsets in `text`). */
  matchesAt(text: string, occurrences: (anchor: string) => readonly number[]): boolean {
    const sticky = this.sticky;
    for (const anchor of this.anchors) {
      for (const at of occurrences(anchor)) {
        if (at < this.lead) continue;
        sticky.lastIndex = at - this.lead;
        if (sticky.test(text)) return true;
      }
    }
    return false;
  }
}

/** Every guard made, for the test that checks each against its expression. */
export const LITERAL_GUARDS: LiteralGuard[] = [];

/**
 * A regular expression every match of which contains one of some literals: where none of them
 * occurs it cannot match, and the scan (often a `matchAll` with a check per match: an import's
 * specifier) is not run. An open document knows which literals occur from its previous version's
 * answers (`ParsedDocument.mayMatch`); test/unit/anchored-patterns.test.ts checks, with strings made
 * from the expression, that every match holds one.
 */
export class LiteralGuard {
  constructor(
    readonly pattern: RegExp,
    readonly literals: readonly string[],
  ) {
    LITERAL_GUARDS.push(this);
  }
}

/** `'name` and `"name` for each name: what a specifier pattern's quoted alternatives start with. */
export function quoted(...names: string[]): string[] {
  return names.flatMap((name) => [`'${name}`, `"${name}`]);
}
