// The reader a test or bench client uses for a server's stdout.
//
// vscode-jsonrpc (10.0.0) arms a 10 s "partial message" timer while half a message sits in its
// buffer and re-arms it each time it fires, for as long as the rest does not come; dispose() does
// not clear it. A server killed while it writes a message (a publishDiagnostics in flight, likelier
// on a loaded machine) therefore kept the whole test process alive for ever, every test passed: the
// hang that ran stop 19's CI into its deadline. Nothing here listens for partial messages, so the
// timer is off.

import type { Readable } from 'node:stream';
import { StreamMessageReader } from 'vscode-jsonrpc/node';

export function serverOutputReader(stdout: Readable): StreamMessageReader {
  const reader = new StreamMessageReader(stdout);
  reader.partialMessageTimeout = 0;
  return reader;
}
