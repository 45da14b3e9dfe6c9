// Which Python files an image's build or boot runs once (model/run-scripts.ts): a Dockerfile `RUN python
// x.py`, an entry script's `python x.py` before the command it ends with. Those are one-off scripts; what
// the image keeps running (its CMD, the script's last command, a background job, a loop) stays service.

import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { dockerfileRuns, oneOffRunsOf, pythonProgramOf, shellPythonRuns } from '../../server/src/engine/model/run-scripts';

const CLI = path.resolve(__dirname, '..', '..', 'dist', 'cli.js');
const FIXTURE = path.resolve(__dirname, '..', 'fixtures', 'logging', 'python-boot');

describe('python programs a build or boot runs once', () => {
  test('the .py file a command runs with the interpreter', () => {
    assert.equal(pythonProgramOf(['python', 'version.py']), 'version.py');
    assert.equal(pythonProgramOf(['/opt/app/venv/bin/python3.12', '-u', '-W', 'ignore', 'tools/gen.py', '--out', 'x']), 'tools/gen.py');
    assert.equal(pythonProgramOf(['PYTHONPATH=.', 'exec', 'python', 'server.py']), 'server.py');
    assert.equal(pythonProgramOf(['poetry', 'run', 'python', 'seed.py']), 'seed.py');
    assert.equal(pythonProgramOf(['uv', 'run', 'seed.py']), 'seed.py');
    assert.equal(pythonProgramOf(['python', '-m', 'app.seed']), undefined);
    assert.equal(pythonProgramOf(['python', '-c', 'print(1)']), undefined);
    assert.equal(pythonProgramOf(['node', 'x.py']), undefined);
  });

  test('an entry script: steps before its last command are one-offs; its last command, background jobs and loops are kept', () => {
    const runs = shellPythonRuns([
      '#!/bin/sh',
      'python migrate.py',
      'if [ "$X" = 1 ]; then',
      '  python warm.py',
      'fi',
      'python check.py && python ping.py',
      'python worker.py &',
      'while true; do python poll.py; sleep 5; done',
      'cd sub',
      'python step.py',
      'python prepare.py && exec python server.py',
      '',
    ].join('\n'));
    assert.deepEqual(runs.oneOff.map((r) => `${r.line} ${r.cwd}/${r.program}`), ['2 ./migrate.py', '4 ./warm.py', '6 ./check.py', '6 ./ping.py', '10 sub/step.py', '11 sub/prepare.py']);
    assert.deepEqual(runs.kept.map((r) => `${r.cwd}/${r.program}`).sort(), ['./poll.py', './worker.py', 'sub/server.py']);
    // A script ending in a block: everything in that block may be the app.
    assert.deepEqual(shellPythonRuns('#!/bin/sh\nif [ -n "$DEV" ]; then\n  python dev.py\nelse\n  python app.py\nfi\n').oneOff, []);
    // Not a shell script: nothing.
    assert.deepEqual(shellPythonRuns('#!/usr/bin/env python3\nprint(1)\n'), { oneOff: [], kept: [] });
  });

  test('a Dockerfile: RUN programs at the WORKDIR they run in, the programs CMD keeps, the entry scripts it names', () => {
    const text = 'FROM python:3.12\nWORKDIR /srv\nCOPY . .\nRUN python version.py\nRUN cd tools && python gen.py\nRUN <<EOF\npython seed.py\nEOF\nRUN python server.py --check\nENTRYPOINT ["tini", "--", "/srv/boot.sh"]\nCMD ["python", "server.py"]\n';
    const runs = dockerfileRuns(text);
    assert.deepEqual(runs.build.map((r) => `${r.line} ${r.imagePath}`), ['4 /srv/version.py', '5 /srv/tools/gen.py', '7 /srv/seed.py', '9 /srv/server.py']);
    assert.deepEqual(runs.kept, ['/srv/server.py']);
    assert.deepEqual(runs.entryScripts, ['/srv/boot.sh']);
    const boot = shellPythonRuns('#!/bin/sh\npython plugin.py\npython server.py --migrate\nexec "$@"\n');
    const once = oneOffRunsOf('/r/Dockerfile', text, runs, (f) => (f === '/r/boot.sh' ? boot : undefined));
    // The image keeps running server.py (its CMD): never a one-off, whatever else runs it first.
    assert.deepEqual([...once.keys()].sort(), ['/r/plugin.py', '/r/seed.py', '/r/tools/gen.py', '/r/version.py']);
    assert.deepEqual(once.get('/r/plugin.py'), { path: '/r/boot.sh', line: 2, how: 'boot', command: 'python plugin.py', dockerfile: '/r/Dockerfile' });
    assert.equal(once.get('/r/version.py')?.how, 'build');
  });

  test('explain says why a build or boot step is a script, and the server it execs stays service', () => {
    const explain = (file: string) => {
      const r = spawnSync(process.execPath, [CLI, 'explain', file], { cwd: FIXTURE, encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      return r.stdout;
    };
    assert.match(explain('version.py'), /^version\.py: script .*\n {2}why: `RUN python version\.py` \(Dockerfile:5\) runs it while the image is built: a build-time script/);
    assert.match(explain('plugin.py'), /^plugin\.py: script .*\n {2}why: `python plugin\.py` \(boot\.sh:4\), in the entry script the ENTRYPOINT\/CMD of Dockerfile runs, runs it once before the command the script ends with/);
    assert.match(explain('server.py'), /^server\.py: service /);
    assert.match(explain('worker.py'), /^worker\.py: service /);
  });
});
