// missing-sigterm-handler is a workspace rule: the handler may live in a file nobody opened. Creating
// that file on disk (not through the editor) must clear the finding; deleting it must bring it back.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { open, waitForNoRule, waitForRule, workspaceRoot } from './helpers';

const SERVER = 'src/server.ts';
const LISTEN_LINE = 25;
const HANDLER = [
  "import { logger } from './logger';",
  '',
  "process.once('SIGTERM', () => {",
  "  logger.info('SIGTERM received, shutting down');",
  '  process.exitCode = 0;',
  '});',
  '',
].join('\n');

describe('workspace rule', () => {
  const handlerFile = () => path.join(workspaceRoot(), 'src', 'shutdown.ts');

  after(() => fs.rmSync(handlerFile(), { force: true }));

  it('missing-sigterm-handler clears when a SIGTERM handler is written to another file, and returns when it is deleted', async () => {
    const { document: doc } = await open(SERVER);
    await waitForRule(doc.uri, 'missing-sigterm-handler', LISTEN_LINE);
    fs.writeFileSync(handlerFile(), HANDLER);
    await waitForNoRule(doc.uri, 'missing-sigterm-handler');
    fs.rmSync(handlerFile());
    await waitForRule(doc.uri, 'missing-sigterm-handler', LISTEN_LINE);
  });
});
