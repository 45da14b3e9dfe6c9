// Helm templates are YAML with Go template actions in them. Each action is blanked out (same
// length, line breaks kept) so the YAML parser sees the structure with every offset unchanged.
//
// How an action is blanked depends on where it stands:
// - alone on its line (`{{- include "probes" . | nindent 10 }}`, `{{- if .Values.x }}`,
//   `{{- end }}`), or the whole rest of a line after `key: ` or `- ` (`labels: {{- include
//   "labels" . | nindent 4 }}`, whose output is a block below the key): spaces, so the line or
//   the value is blank and the surrounding structure stays intact;
// - next to other text (`image: "{{ .Values.repo }}:{{ .Values.tag }}"`, `{{ $k }}: {{ $v }}`):
//   underscores, so the action reads as a plain scalar. Spaces there would turn
//   `image: {{ .Values.repo }}:{{ .Values.tag }}` into `image:      :     `, a YAML error that
//   the template language caused.
// Rules find out what came from a template through `templateActions` (offsets in the original).

/**
 * Every `{{ ... }}` action, each ending at the first `}}` after it opens, in one pass. (A lazy regex
 * here took quadratic time on unclosed `{{`: once no `}}` follows, no later action can close.)
 */
export function templateActionSpans(text: string): Array<[number, number]> {
  const actions: Array<[number, number]> = [];
  for (let open = text.indexOf('{{'); open >= 0; ) {
    const close = text.indexOf('}}', open + 2);
    if (close < 0) break;
    actions.push([open, close + 2]);
    open = text.indexOf('{{', close + 2);
  }
  return actions;
}

export function maskTemplateActions(text: string): { text: string; actions: Array<[number, number]> } {
  const actions = templateActionSpans(text);
  if (actions.length === 0) return { text, actions };

  const out = text.split('');
  let i = 0;
  while (i < actions.length) {
    // Actions that share lines form one run; a run is "alone" when nothing but blanks surrounds it.
    let j = i;
    while (j + 1 < actions.length && /^[ \t]*$/.test(text.slice(actions[j][1], actions[j + 1][0]))) j++;
    const lineStart = text.lastIndexOf('\n', actions[i][0] - 1) + 1;
    const nextBreak = text.slice(actions[j][1]).search(/\r?\n/);
    const lineEnd = nextBreak < 0 ? text.length : actions[j][1] + nextBreak;
    const before = text.slice(lineStart, actions[i][0]);
    const endsLine = /^[ \t]*(?:#.*)?$/.test(text.slice(actions[j][1], lineEnd));
    // Alone on its line, or the whole value at the end of `key: ` / `- `: blank. A value written
    // by `{{ include ... | nindent 4 }}` is a block below the key, not a scalar on its line.
    const alone = endsLine && (/^[ \t]*$/.test(before) || /[ \t]$/.test(before));
    for (let k = i; k <= j; k++) {
      const [start, end] = actions[k];
      for (let p = start; p < end; p++) {
        const c = text[p];
        if (c === '\n' || c === '\r') continue;
        out[p] = alone ? ' ' : '_';
      }
    }
    i = j + 1;
  }
  return { text: out.join(''), actions };
}

/** The actions standing alone on their lines, with the column their output lands at (`nindent N` wins). */
export interface LineAction {
  start: number;
  end: number;
  /** Zero-based line of the action's start in the original text. */
  line: number;
  column: number;
  /** Control flow only (`if`, `else`, `end`, `with`, `range`, `define`, variable assignments, comments). */
  control: boolean;
}

const CONTROL = /^\{\{-?\s*(?:if|else|end|with|range|define|block|break|continue|\/\*|\$[\w]+\s*:?=)/;

export function lineActions(text: string, actions: ReadonlyArray<[number, number]>): LineAction[] {
  const out: LineAction[] = [];
  let line = 0;
  let counted = 0;
  for (const [start, end] of actions) {
    for (let p = text.indexOf('\n', counted); p >= 0 && p < start; p = text.indexOf('\n', p + 1)) line++, (counted = p + 1);
    const lineStart = text.lastIndexOf('\n', start - 1) + 1;
    const before = text.slice(lineStart, start);
    // An action's body cannot hold `}}` (it ends at the first one), which keeps these linear: a lazy
    // `[\s\S]*?` there could also span `}}{{` and backtracked exponentially on `{{a}}` x 40 + `x{{b}}`.
    if (!/^[ \t]*(?:\{\{(?:[^}]|\}(?!\}))*\}\}[ \t]*)*$/.test(before)) continue;
    const nextBreak = text.slice(end).search(/\r?\n/);
    const after = text.slice(end, nextBreak < 0 ? text.length : end + nextBreak);
    if (!/^[ \t]*(?:\{\{(?:[^}]|\}(?!\}))*\}\}[ \t]*)*(?:#.*)?$/.test(after)) continue;
    const source = text.slice(start, end);
    const indent = /\bn?indent\s+(\d+)/.exec(source);
    out.push({
      start,
      end,
      line,
      column: indent ? Number(indent[1]) : start - lineStart,
      control: CONTROL.test(source),
    });
  }
  return out;
}
