// What prodready reads from a package.json: the package's kind, and which files its npm scripts run
// as one-off scripts (console-log's `ignorePackageScripts`).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { filesRunBy, parsePackageJson } from '../../server/src/engine/package-json';

/** The files run as one-off scripts. */
const scriptFiles = (scripts: Record<string, string>) =>
  [...(parsePackageJson(JSON.stringify({ private: true, scripts }), '/ws/app')?.scriptFiles ?? [])].filter(([, role]) => role === 'one-off').map(([file]) => file).sort();

test('the file a Node runner runs, after environment prefixes and runner flags', () => {
  assert.deepEqual(filesRunBy('node extra/update-version.js', '/ws/app'), ['/ws/app/extra/update-version.js']);
  assert.deepEqual(filesRunBy('NODE_ENV=dev npx tsx --env-file .env db/seed.ts', '/ws/app'), ['/ws/app/db/seed.ts']);
  assert.deepEqual(filesRunBy('cross-env DEBUG=1 node -r dotenv/config --inspect ./tools/x.mjs --port 3', '/ws/app'), ['/ws/app/tools/x.mjs']);
  assert.deepEqual(filesRunBy('node ./a.js && npm run build && node b.cjs; ts-node src/c.ts | tee out', '/ws/app'), ['/ws/app/a.js', '/ws/app/b.cjs', '/ws/app/src/c.ts']);
  assert.deepEqual(filesRunBy('cd extra/lang && node index.js', '/ws/app'), ['/ws/app/extra/lang/index.js']);
  assert.deepEqual(filesRunBy('bun run scripts/x.ts', '/ws/app'), ['/ws/app/scripts/x.ts']);
});

test('commands that do not run a file of ours are not read', () => {
  assert.deepEqual(filesRunBy('vite build --config ./config/vite.config.js', '/ws/app'), []);
  assert.deepEqual(filesRunBy('node -e "require(\'./x.js\')"', '/ws/app'), []);
  assert.deepEqual(filesRunBy('node "$DIR/x.js"', '/ws/app'), []);
  assert.deepEqual(filesRunBy('node dist/*.js', '/ws/app'), []);
  assert.deepEqual(filesRunBy('eslint src/app.js', '/ws/app'), []);
  assert.deepEqual(filesRunBy('node --test', '/ws/app'), []);
});

test('files a script starting the service runs are service code, even when another script runs them too', () => {
  assert.deepEqual(
    scriptFiles({
      start: 'node server/server.js',
      'start-server-dev': 'cross-env NODE_ENV=development node server/dev.js',
      dev: 'nodemon src/index.ts',
      'worker:emails': 'node src/worker.js',
      smoke: 'node server/server.js --smoke',
      release: 'node extra/update-version.js',
      'simple-dns-server': 'node extra/simple-dns-server.js',
    }),
    ['/ws/app/extra/simple-dns-server.js', '/ws/app/extra/update-version.js'],
  );
});

test('in a script starting the service, a program the line waits for is a one-off', () => {
  assert.deepEqual(
    scriptFiles({
      'start-pr-test': 'node extra/checkout-pr.js && npm install && npm run dev',
      start: 'node db/migrate.js; node server.js | pino-pretty',
      'start:all': 'node api.js & node worker.js',
      'start:safe': 'node safe.js || echo crashed',
    }),
    ['/ws/app/db/migrate.js', '/ws/app/extra/checkout-pr.js'],
  );
});

test("a package.json's kind", () => {
  assert.equal(parsePackageJson('{"private":true}', '/ws')?.kind, 'application');
  assert.equal(parsePackageJson('{"scripts":{"start":"node ."},"main":"index.js"}', '/ws')?.kind, 'application');
  assert.equal(parsePackageJson('{"main":"index.js"}', '/ws')?.kind, 'library');
  assert.equal(parsePackageJson('{"name":"x"}', '/ws')?.kind, undefined);
  assert.equal(parsePackageJson('{"scripts": 3}', '/ws')?.scriptFiles.size, 0);
  assert.equal(parsePackageJson('not json', '/ws'), undefined);
  assert.equal(parsePackageJson('[1]', '/ws'), undefined);
});

test('`bin` entries are command line programs, mapped from build output back to their sources', () => {
  const roles = (pkg: Record<string, unknown>) => Object.fromEntries(parsePackageJson(JSON.stringify(pkg), '/ws/cli')?.scriptFiles ?? []);
  // novu's CLI: `"bin": { "novu": "./dist/src/index.js" }`, compiled by tsc from src/index.ts.
  const novu = roles({ name: 'novu', bin: { novu: './dist/src/index.js' } });
  assert.equal(novu['/ws/cli/dist/src/index.js'], 'command');
  assert.equal(novu['/ws/cli/src/index.ts'], 'command');
  // A string `bin`, into `lib/` with the source under src/ (or beside the package.json).
  const single = roles({ name: 'tool', bin: 'lib/cli.mjs' });
  assert.equal(single['/ws/cli/src/cli.mts'], 'command');
  assert.equal(single['/ws/cli/cli.mts'], 'command');
  assert.equal(single['/ws/cli/lib/cli.mjs'], 'command');
  // A bin that is not build output is itself the program; a path out of the package or with a glob is not read.
  assert.deepEqual(Object.keys(roles({ bin: { a: 'bin/a.js', b: '../other/b.js', c: 'bin/*.js' } })), ['/ws/cli/bin/a.js']);
  // The file an npm script starts as the service stays the service, even when `bin` names it too.
  assert.equal(roles({ bin: { srv: 'server.js' }, scripts: { start: 'node server.js' } })['/ws/cli/server.js'], 'service');
  // The bin's first command and all its files, for the command line package answer.
  assert.deepEqual(parsePackageJson(JSON.stringify({ name: 'novu', bin: { novu: './dist/src/index.js' } }), '/ws/cli')?.bin?.name, 'novu');
  assert.equal(parsePackageJson(JSON.stringify({ name: '@scope/tool', bin: 'lib/cli.mjs' }), '/ws/cli')?.bin?.name, 'tool');
  assert.ok(parsePackageJson(JSON.stringify({ name: '@scope/tool', bin: 'lib/cli.mjs' }), '/ws/cli')?.bin?.files.includes('/ws/cli/src/cli.mts'));
  assert.equal(parsePackageJson(JSON.stringify({ name: 'lib' }), '/ws/cli')?.bin, undefined);
});
