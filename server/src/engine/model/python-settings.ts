// Settings modules of a Python project: Django's `settings.py` (or the `settings/` package that splits
// it into `base.py`, `production.py`, ...), and the same convention in Flask apps (`app/settings/`).
// Such a module is imported once as the process starts, before the app configures logging
// (Django configures it from the settings themselves), and is read by the rules that care:
// `hardcoded-credential` (Django's `SECRET_KEY`, `DATABASES`), `print-call` (a print at its top level is
// a start-up notice with no logger to go to yet). By path, confirmed by the text where a rule needs it.

import type { ParsedDocument } from '../document';

function parts(p: string): { file: string; folder: string } {
  const segments = p.replace(/\\/g, '/').split('/');
  return { file: segments[segments.length - 1] ?? '', folder: segments[segments.length - 2] ?? '' };
}

/** `settings.py`, `*_settings.py`, or a module of a `settings/` package. */
export function isSettingsModulePath(p: string): boolean {
  const { file, folder } = parts(p);
  return /^(?:\w+_)?settings\.py$/.test(file) || (folder === 'settings' && file.endsWith('.py'));
}

/** A settings module named for development or tests (`dev.py`, `local.py`, `test_settings.py`): not production's. */
export function isDevSettingsName(p: string): boolean {
  return /(?:^|[_.-])(?:dev|develop|development|local|test|tests|testing|ci)(?:[_.-]|\.py$)/i.test(parts(p).file);
}

/** Module-level assignments to UPPER_CASE names (`DEBUG = ...`, `ALLOWED_HOSTS = [...]`): how settings are written. */
const SETTING_ASSIGNMENT = /^[A-Z][A-Z0-9_]*\s*(?::[^=\n]+)?=(?!=)/gm;

/**
 * Whether `doc` is a settings module: its path says so, and its top level assigns settings (three or
 * more UPPER_CASE names), so that a `views/settings.py` of a settings page is not one. The answer's
 * reason is for `explain`.
 */
export function settingsModule(doc: ParsedDocument): { reason: string } | undefined {
  if (doc.kind !== 'python' || !isSettingsModulePath(doc.path)) return undefined;
  const count = doc.text.match(SETTING_ASSIGNMENT)?.length ?? 0;
  if (count < 3) return undefined;
  return { reason: `a settings module (named like one, and its top level assigns ${count} UPPER_CASE settings): imported once at start-up, before logging is configured` };
}
