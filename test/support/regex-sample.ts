// Random strings that a regular expression may match, made from its source: for tests that need
// texts hitting every alternative of an expression (random pieces of text almost never spell
// `.get('/`). Covers the syntax the engine's prefilters use: alternation, groups (lookarounds and
// `\b` emit nothing), character classes and escapes, backreferences, `*`, `+`, `?` and `{m,n}`.
// A sample is only a candidate: callers test it with the expression itself.

type Next = () => number;

export function sampleOf(pattern: RegExp, next: Next): string {
  const source = pattern.source;
  let i = 0;
  const groups: string[] = [];

  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)];

  function alternation(): string {
    const options: number[] = [i];
    // Find the alternatives at this depth, then generate one of them.
    let depth = 0;
    let j = i;
    let inClass = false;
    for (; j < source.length; j++) {
      const c = source[j];
      if (c === '\\') {
        j++;
        continue;
      }
      if (inClass) {
        if (c === ']') inClass = false;
        continue;
      }
      if (c === '[') inClass = true;
      else if (c === '(') depth++;
      else if (c === ')') {
        if (depth === 0) break;
        depth--;
      } else if (c === '|' && depth === 0) options.push(j + 1);
    }
    const end = j;
    const chosen = pick(options);
    i = chosen;
    let out = '';
    while (i < end && source[i] !== '|' ) out += quantified();
    // skip to the end of the alternation; `quantified` stops at this depth's `|` or `)`
    i = end;
    return out;
  }

  function quantified(): string {
    const start = i;
    let atom = atomAt();
    const q = source[i];
    let min = 1;
    let max = 1;
    if (q === '*') (min = 0), (max = 2), i++;
    else if (q === '+') (min = 1), (max = 2), i++;
    else if (q === '?') (min = 0), (max = 1), i++;
    else if (q === '{') {
      const m = /^\{(\d+)(?:,(\d*))?\}/.exec(source.slice(i))!;
      min = Number(m[1]);
      max = m[2] === undefined ? min : m[2] === '' ? min + 2 : Number(m[2]);
      i += m[0].length;
    }
    const times = min + Math.floor(next() * (max - min + 1));
    if (times === 1) return atom;
    let out = '';
    for (let k = 0; k < times; k++) {
      if (k > 0) {
        const after = i;
        i = start;
        atom = atomAt();
        i = after;
      }
      out += atom;
    }
    return out;
  }

  function atomAt(): string {
    const c = source[i];
    if (c === '(') {
      i++;
      let capture = true;
      let emit = true;
      if (source.startsWith('?:', i)) (i += 2), (capture = false);
      else if (/^\?<?[=!]/.test(source.slice(i))) {
        i += source[i + 1] === '<' ? 3 : 2;
        capture = false;
        emit = false;
      }
      const index = groups.length;
      if (capture) groups.push('');
      const inner = alternation();
      i++; // ')'
      if (capture) groups[index] = inner;
      return emit ? inner : '';
    }
    if (c === '[') return charClass();
    if (c === '\\') {
      const e = source[i + 1];
      i += 2;
      if (/\d/.test(e)) return groups[Number(e) - 1] ?? '';
      if (e === 'b' || e === 'B') return '';
      if (e === 's') return pick([' ', '\n', '\t']);
      if (e === 'w') return pick(['a', 'Z', '_', '1']);
      if (e === 'd') return '7';
      return e;
    }
    if (c === '^' || c === '$') {
      i++;
      return '';
    }
    if (c === '.') {
      i++;
      return 'x';
    }
    i++;
    return c;
  }

  function charClass(): string {
    i++; // '['
    const negated = source[i] === '^';
    if (negated) i++;
    const chars: string[] = [];
    while (source[i] !== ']') {
      let c = source[i++];
      if (c === '\\') {
        const e = source[i++];
        c = e === 's' ? ' ' : e === 'w' ? 'a' : e === 'n' ? '\n' : e === 'd' ? '7' : e;
      }
      if (source[i] === '-' && source[i + 1] !== ']') {
        const to = source[i + 1] === '\\' ? source[i + 2] : source[i + 1];
        i += source[i + 1] === '\\' ? 3 : 2;
        for (let k = c.charCodeAt(0); k <= to.charCodeAt(0) && chars.length < 200; k++) chars.push(String.fromCharCode(k));
      } else chars.push(c);
    }
    i++; // ']'
    if (!negated) return pick(chars);
    return pick(['x', 'q', ' ', '-', '7'].filter((c) => !chars.includes(c))) ?? '';
  }

  return alternation();
}
