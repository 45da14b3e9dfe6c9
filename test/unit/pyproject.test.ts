// pyproject.toml as the project model reads it: the console scripts a project installs, and the
// files their modules may be. Anything the reader does not understand is skipped, never guessed.

import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readPyproject, scriptModuleFiles } from '../../server/src/engine/model/pyproject';

describe('pyproject.toml', () => {
  test('reads [project.scripts], gui-scripts and Poetry scripts, with their lines', () => {
    const text = [
      '[build-system]',
      'requires = ["hatchling"]',
      '',
      '[project]',
      'name = "orders"',
      'description = """',
      'name = "not-this"',
      '"""',
      '',
      '[project.scripts]',
      'orders-cli = "orders.cli:main"  # the admin tool',
      "'orders-seed' = 'orders.tools.seed:run'",
      'bare = "orders.bare"',
      'extras = "orders.x:main [cli]"',
      'broken = "not a module path"',
      '',
      '[project.gui-scripts]',
      'orders-gui = "orders.gui:start"',
      '',
      '[tool.poetry.scripts]',
      'poetry-tool = { reference = "orders.ptool:main", type = "console" }',
      '',
      '[[tool.mypy.overrides]]',
      'module = "orders.cli"',
    ].join('\n');
    const project = readPyproject(text);
    assert.equal(project.name, 'orders');
    assert.deepEqual(
      project.scripts.map((s) => `${s.line} ${s.name} ${s.module}${s.attribute ? `:${s.attribute}` : ''}`),
      ['11 orders-cli orders.cli:main', '12 orders-seed orders.tools.seed:run', '13 bare orders.bare', '14 extras orders.x:main', '18 orders-gui orders.gui:start', '21 poetry-tool orders.ptool:main'],
    );
  });

  test('a file with no scripts, or that is not TOML at all, yields none', () => {
    assert.deepEqual(readPyproject('[project]\nname = "svc"\ndependencies = ["fastapi"]\n').scripts, []);
    assert.deepEqual(readPyproject('\u0000\u0001 not toml [[[').scripts, []);
  });

  test('a module is a file or a package, in the flat or the src layout', () => {
    assert.deepEqual(scriptModuleFiles({ name: 'x', module: 'orders.cli', line: 1 }), ['orders/cli.py', 'orders/cli/__init__.py', 'src/orders/cli.py', 'src/orders/cli/__init__.py']);
  });
});
