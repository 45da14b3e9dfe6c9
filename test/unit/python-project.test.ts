// Python projects as the project model reads them: setup.cfg console scripts, and which module an
// app server launch command runs. Anything not written out (an env variable, a config file) is unknown.

import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { appServerRuns, isModuleFile, isPythonProjectFile, readSetupCfgScripts } from '../../server/src/engine/model/python-project';
import { readRuffConfig, selectingLine } from '../../server/src/engine/model/ruff-config';
import { isDevSettingsName, settingsModule } from '../../server/src/engine/model/python-settings';
import { prepare } from '../../server/src/engine/source';
import { initPython } from '../../server/src/engine/python';
import { FixtureRunner, fixtureWorkspaces } from '../support/fixtures';
import { workspaceFactsForFixture } from '../support/workspace';

describe('setup.cfg console scripts', () => {
  test('reads console_scripts and gui_scripts under [options.entry_points], with their lines', () => {
    const text = ['[metadata]', 'name = legacy', '', '[options.entry_points]', 'console_scripts =', '    legacy-sync = legacy_pkg.sync:main', '    legacy-bare = legacy_pkg.bare', '    # a comment', 'gui_scripts = legacy-gui = legacy_pkg.gui:run', 'other_group =', '    not-a-script = legacy_pkg.plugin:x', '', '[options]', 'console_scripts = nope.nope:main'].join('\n');
    assert.deepEqual(readSetupCfgScripts(text), [
      { name: 'legacy-sync', module: 'legacy_pkg.sync', attribute: 'main', line: 6 },
      { name: 'legacy-bare', module: 'legacy_pkg.bare', line: 7 },
      { name: 'legacy-gui', module: 'legacy_pkg.gui', attribute: 'run', line: 9 },
    ]);
  });
});

describe('app server launches', () => {
  test('uvicorn, gunicorn and hypercorn targets in Dockerfiles, Procfiles and compose commands', () => {
    const dockerfile = ['FROM python:3.12', 'CMD ["uvicorn", "app.main:app", "--host", "0.0.0.0", \\', '     "--port", "8000"]'].join('\n');
    assert.deepEqual(appServerRuns(dockerfile), [{ server: 'uvicorn', module: 'app.main', line: 2 }]);
    assert.deepEqual(appServerRuns('web: gunicorn mysite.wsgi --log-file -\nworker: celery -A mysite worker'), [{ server: 'gunicorn', module: 'mysite.wsgi', line: 1 }]);
    assert.deepEqual(appServerRuns('    command: gunicorn -k uvicorn.workers.UvicornWorker -b 0.0.0.0:8000 "orders.api:create_app()"'), [{ server: 'gunicorn', module: 'orders.api', line: 1 }]);
    assert.deepEqual(appServerRuns('CMD python -m hypercorn svc.app:app --bind unix:/tmp/s.sock'), [{ server: 'hypercorn', module: 'svc.app', line: 1 }]);
  });

  test('targets that are not written out, and lines that only mention a server, are unknown', () => {
    assert.deepEqual(appServerRuns('CMD uvicorn $APP_MODULE --host 0.0.0.0'), []);
    assert.deepEqual(appServerRuns('CMD gunicorn -c gunicorn.conf.py'), []);
    assert.deepEqual(appServerRuns('RUN pip install uvicorn==0.30.0 redis:7'), []);
    assert.deepEqual(appServerRuns('# CMD uvicorn app.main:app'), []);
  });

  test('a target module is the launcher folder\'s file or one folder below it, never deeper', () => {
    assert.ok(isModuleFile('app/main.py', 'app.main'));
    assert.ok(isModuleFile('app/main/__init__.py', 'app.main'));
    assert.ok(isModuleFile('backend/app/main.py', 'app.main'));
    assert.ok(!isModuleFile('tools/vendor/app/main.py', 'app.main'));
    assert.ok(!isModuleFile('app/main_test.py', 'app.main'));
  });

  test('Python project files', () => {
    for (const name of ['pyproject.toml', 'setup.cfg', 'setup.py', 'requirements.txt', 'requirements-dev.txt', 'requirements_prod.txt']) assert.ok(isPythonProjectFile(name), name);
    assert.ok(!isPythonProjectFile('requirements.md'));
  });
});

describe('Ruff configuration', () => {
  test('selectors: the most specific wins, ignore wins a tie, ALL, the default selection, extend and per-file-ignores are unknown', () => {
    const config = (text: string, pyproject = false) => readRuffConfig(text, pyproject)!;
    const pyproject = ['[tool.ruff]', 'line-length = 100', '[tool.ruff.lint]', 'select = [', '  "E", "T20",  # print', '  "S",', ']', 'extend-select = ["G004"]', 'ignore = ["S1", "G"]'].join('\n');
    const selection = config(pyproject, true);
    assert.equal(selectingLine(selection, 'T201'), 5);
    assert.equal(selectingLine(selection, 'S113'), undefined); // ignore S1 is more specific than select S
    assert.equal(selectingLine(selection, 'G004'), 8); // extend-select G004 is more specific than ignore G
    assert.equal(selectingLine(selection, 'G002'), undefined);
    assert.equal(selectingLine(config('select = ["ALL"]\nignore = ["D"]'), 'S113'), 1);
    assert.equal(selectingLine(config('select = ["T201"]\nignore = ["T201"]'), 'T201'), undefined);
    assert.equal(selectingLine(config('line-length = 88'), 'T201'), undefined); // Ruff's defaults: E4, E7, E9, F
    assert.equal(selectingLine(config('extend = "../ruff.toml"\n[lint]\nselect = ["T20"]'), 'T201'), undefined);
    assert.equal(selectingLine(config('[lint]\nselect = ["T20"]\n[lint.per-file-ignores]\n"scripts/*" = ["T201"]'), 'T201'), undefined);
    assert.equal(readRuffConfig('[project]\nname = "x"', true), undefined);
  });

  test('the note is in the finding when the project selects the code, and its fix still applies', async () => {
    assert.ok(await initPython());
    const ws = fixtureWorkspaces().find((w) => w.root.endsWith('python-ruff'))!;
    const runner = new FixtureRunner(ws.root, workspaceFactsForFixture(ws));
    const messages = (file: string) => {
      const doc = runner.load(`${ws.root}/${file}`)!;
      return runner.run(doc).map((f) => ({ line: doc.lines.positionAt(f.start).line + 1, note: /Also reported by Ruff (\w+)/.exec(f.message)?.[1] ?? null, fixes: runner.fixesFor(f, doc).length }));
    };
    assert.deepEqual(messages('app/orders.py'), [
      { line: 9, note: 'T201', fixes: 1 },
      { line: 10, note: 'G004', fixes: 1 },
      { line: 11, note: null, fixes: 0 },
      { line: 12, note: 'S113', fixes: 1 },
      { line: 14, note: null, fixes: 1 },
    ]);
    assert.deepEqual(messages('unselected/jobs.py').map((m) => m.note), [null, null]);
  });
});

describe('settings modules', () => {
  const doc = (p: string, text: string) => {
    const prepared = prepare({ path: `/ws/${p}`, relativePath: p, text });
    assert.equal(prepared.status, 'document');
    return prepared.status === 'document' ? prepared.doc : undefined!;
  };
  const SETTINGS = 'import os\nDEBUG = False\nALLOWED_HOSTS = ["*"]\nTIME_ZONE: str = "UTC"\n';

  test('settings.py, *_settings.py and a settings/ package that assign settings at their top level', () => {
    for (const p of ['recipes/settings.py', 'config/prod_settings.py', 'redash/settings/organization.py', 'config/settings/base.py']) {
      assert.match(settingsModule(doc(p, SETTINGS))?.reason ?? '', /a settings module .*3 UPPER_CASE settings.*before logging is configured/, p);
    }
    assert.equal(isDevSettingsName('config/settings/local.py'), true);
    assert.equal(isDevSettingsName('config/settings/production.py'), false);
  });

  test('a module named settings.py that assigns no settings (a settings page view) is not one, and neither is another name', () => {
    assert.equal(settingsModule(doc('app/views/settings.py', 'PAGE_SIZE = 20\n\ndef show(request):\n    pass\n')), undefined);
    assert.equal(settingsModule(doc('app/config.py', SETTINGS)), undefined);
  });
});
