import type { TextEdit } from './types';

/** Offsets <-> zero-based line/character, computed once per text. */
export class LineIndex {
  private starts: number[] | undefined;
  /** The previous version's line starts and the edit from it to this text (`afterEdit`), until this version's are made. */
  private from: { starts: readonly number[]; edit: TextEdit } | undefined;

  constructor(private readonly text: string) {}

  /**
   * The index of `text`, made from the previous version's when that one has its line starts already
   * (an open document's versions): the starts before the edit are kept, those after it shifted, and
   * only the edited lines are scanned, instead of the whole text at every keystroke. `edit` turns the
   * previous text into `text`. test/unit/lines.test.ts compares it with a fresh index on random edits.
   */
  static afterEdit(previous: LineIndex, text: string, edit: TextEdit): LineIndex {
    const index = new LineIndex(text);
    if (previous.starts) index.from = { starts: previous.starts, edit };
    return index;
  }

  private derivedStarts(previous: readonly number[], edit: TextEdit): number[] {
    const text = this.text;
    const delta = edit.newText.length - (edit.end - edit.start);
    const newEnd = edit.end + delta;
    // A start s is the offset after a line break at s - 1: one before the edit (s < start) reads only
    // unchanged characters (a \r looks at the next one, s itself, still before the edit); one at or past
    // end + 1 reads only the unchanged suffix. The ones between come from the breaks at start - 1 .. newEnd - 1.
    let kept = 0;
    while (kept < previous.length && previous[kept] < edit.start) kept++;
    const starts = previous.slice(0, kept);
    if (starts.length === 0) starts.push(0);
    for (let i = Math.max(0, edit.start - 1); i < newEnd; i++) {
      const c = text.charCodeAt(i);
      if (c === 10 /* \n */ || (c === 13 /* \r */ && text.charCodeAt(i + 1) !== 10)) {
        if (i + 1 > starts[starts.length - 1]) starts.push(i + 1);
      }
    }
    let after = kept;
    while (after < previous.length && previous[after] < edit.end + 1) after++;
    for (let i = after; i < previous.length; i++) starts.push(previous[i] + delta);
    return starts;
  }

  private lineStarts(): number[] {
    if (!this.starts && this.from) {
      this.starts = this.derivedStarts(this.from.starts, this.from.edit);
      this.from = undefined;
    }
    if (!this.starts) {
      const starts = [0];
      const text = this.text;
      if (text.indexOf('\r') === -1) {
        // No CR anywhere (most files): indexOf is a native scan, about 4x faster than the loop
        // below, and this runs on every version of every open document.
        for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
        this.starts = starts;
        return starts;
      }
      for (let i = 0; i < text.length; i++) {
        const c = text.charCodeAt(i);
        if (c === 13 /* \r */) {
          if (text.charCodeAt(i + 1) === 10) i++;
          starts.push(i + 1);
        } else if (c === 10 /* \n */) {
          starts.push(i + 1);
        }
      }
      this.starts = starts;
    }
    return this.starts;
  }

  /** The offset each line starts at (line 0 at 0); the same array every call. */
  startOffsets(): readonly number[] {
    return this.lineStarts();
  }

  get lineCount(): number {
    return this.lineStarts().length;
  }

  /** Zero-based line and character of an offset (clamped to the text). */
  positionAt(offset: number): { line: number; character: number } {
    const starts = this.lineStarts();
    const clamped = Math.max(0, Math.min(offset, this.text.length));
    let low = 0;
    let high = starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (starts[mid] <= clamped) low = mid;
      else high = mid - 1;
    }
    return { line: low, character: clamped - starts[low] };
  }

  /** Offset of a zero-based line/character (clamped to the line's end). */
  offsetAt(position: { line: number; character: number }): number {
    const starts = this.lineStarts();
    if (position.line >= starts.length) return this.text.length;
    if (position.line < 0) return 0;
    const lineStart = starts[position.line];
    const lineEnd = this.lineEnd(position.line);
    return Math.max(lineStart, Math.min(lineStart + position.character, lineEnd));
  }

  lineStart(line: number): number {
    return this.lineStarts()[line] ?? this.text.length;
  }

  /** Offset just past the last character of `line`, before its line break. */
  lineEnd(line: number): number {
    const starts = this.lineStarts();
    let end = line + 1 < starts.length ? starts[line + 1] : this.text.length;
    if (end > starts[line] && this.text.charCodeAt(end - 1) === 10) end--;
    if (end > starts[line] && this.text.charCodeAt(end - 1) === 13) end--;
    return end;
  }

  lineText(line: number): string {
    return this.text.slice(this.lineStart(line), this.lineEnd(line));
  }

  /** The line break the file uses (the first one found), `\n` when it has none. */
  get eol(): string {
    const i = this.text.indexOf('\n');
    return i > 0 && this.text.charCodeAt(i - 1) === 13 ? '\r\n' : '\n';
  }
}
