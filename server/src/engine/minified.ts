// Minified or bundled JavaScript: no person reads or edits it, so no rule speaks about it. The
// name says so for `*.min.js`; for a bundler's output (`assets/index-CjyJdtRU.js`) the text does.

/** String and template literals (one level of template nesting is enough for a length estimate). */
const STRING_LITERAL = /'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*"|`(?:[^`\\]|\\.)*`/g;
/**
 * Formatters wrap at 80 to 120 columns: a line holding this much code, with this many statements and
 * blocks, was written by a minifier. (One long import list or array literal is not minification.)
 */
const MINIFIED_LINE = 250;
const MINIFIED_PUNCTUATION = 10;

/**
 * Whether a JS file's text is minified: some line holds over 250 characters of code (string
 * contents left out, so a long HTML template or data URI does not count) with 10 or more `;`, `{`
 * and `}`. A comment line (an inline source map) does not count either.
 */
export function isMinified(text: string): boolean {
  if (text.length <= MINIFIED_LINE) return false;
  for (let start = 0; start < text.length; ) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    if (end - start > MINIFIED_LINE && isMinifiedLine(text.slice(start, end))) return true;
    start = end + 1;
  }
  return false;
}

function isMinifiedLine(line: string): boolean {
  if (/^\s*(?:\/\/|\/\*|\*)/.test(line)) return false; // a comment: an inline source map, a licence
  const code = line.replace(STRING_LITERAL, '""');
  if (code.length <= MINIFIED_LINE) return false;
  let punctuation = 0;
  for (let i = 0; i < code.length && punctuation < MINIFIED_PUNCTUATION; i++) {
    const c = code.charCodeAt(i);
    if (c === 59 || c === 123 || c === 125) punctuation++; // ; { }
  }
  return punctuation >= MINIFIED_PUNCTUATION;
}
