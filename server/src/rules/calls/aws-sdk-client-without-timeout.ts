// aws-sdk-client-without-timeout: an AWS SDK v3 client whose requests can wait forever. The
// client is a row of the CLIENTS table (clients.ts).

import type { Rule, RuleContext } from '../../engine/types';
import { defaultsFor } from './clients';
import { findingsOf, fixesOf, tableProblems, type Installed } from './constructions';

const ID = 'aws-sdk-client-without-timeout';

export const awsSdkClientWithoutTimeout: Rule = {
  id: ID,
  family: 'calls',
  kinds: ['js'],
  roles: ['service'],
  defaultSeverity: 'warning',
  fix: 'unsafe',
  summary: 'An AWS SDK v3 client with no request timeouts, or a `requestTimeout` that only logs a warning.',
  docs: {
    whatItDoes: [
      'Flags `new XClient({...})` for any client of an `@aws-sdk/client-*` package (S3, DynamoDB, SQS, Lambda, ...) when its `requestHandler` sets neither `requestTimeout` nor `connectionTimeout` (no `requestHandler`, a `new NodeHttpHandler({...})` or a plain options object without them), and when it sets `requestTimeout` without `throwOnRequestTimeout: true`.',
      '',
      defaultsFor(ID),
      '',
      'How long "forever" is: with no timeouts the handler waits on the socket until the OS gives up, about 15 minutes of TCP retransmissions on Linux for data not acknowledged, and indefinitely for a response that never comes on a healthy connection; the SDK\'s retries (`maxAttempts`) start only after an attempt fails, so they do not help.',
      '',
      'Which @smithy/node-http-handler is installed is read from the lockfile (`package-lock.json`, `npm-shrinkwrap.json`, `pnpm-lock.yaml` or `yarn.lock`): the package\'s own, else the one of its workspace root (a package.json with `workspaces`, or a `pnpm-workspace.yaml`), every version it lists. When all of them are older than 4.4.0, which added `throwOnRequestTimeout`, an elapsed `requestTimeout` fails the request itself: `requestTimeout` alone is not flagged, and the fix adds `requestTimeout` and `connectionTimeout` only. With no lockfile, a package it does not list, or versions on both sides of 4.4.0, the rule assumes a recent handler. A finding the versions decided names the versions and the lockfile read.',
      '',
      'A `requestHandler` from a variable, a parameter or a function call is unknown: no finding. Clients created in another file are not followed.',
      '',
      '**Python (boto3)** is not flagged: unlike the JavaScript SDK v3, botocore bounds every client by default (`Config(connect_timeout=60, read_timeout=60)`, botocore docs, `botocore.config.Config`). 60 s is longer than the checklist\'s "< 30 s", but the rule reports calls with no bound, not long ones; a team that wants tighter bounds passes `config=Config(connect_timeout=..., read_timeout=...)`.',
    ].join('\n'),
    whyItMatters:
      'Checklist: "Timeouts: all external calls have explicit timeouts". S3, DynamoDB and SQS have bad minutes like any dependency (throttling, a regional event, a stalled connection through a NAT gateway); a client with no timeout holds every request that was waiting on them, and the service that called them stops answering too.',
    example: {
      path: 'src/storage.ts',
      code: "import { S3Client } from '@aws-sdk/client-s3';\n\nexport const s3 = new S3Client({ region: process.env.AWS_REGION });\n",
    },
    useInstead: {
      path: 'src/storage.ts',
      code: "import { S3Client } from '@aws-sdk/client-s3';\n\nexport const s3 = new S3Client({\n  region: process.env.AWS_REGION,\n  requestHandler: { requestTimeout: 10_000, connectionTimeout: 3_000, throwOnRequestTimeout: true },\n});\n",
    },
    fixSafety: 'The fix adds `requestHandler: { requestTimeout: 10_000, connectionTimeout: 3_000, throwOnRequestTimeout: true }` (or the missing keys to a handler written at the call); when the lockfile installs only @smithy/node-http-handler versions before 4.4.0, it leaves out `throwOnRequestTimeout`, which they do not have (their `requestTimeout` already fails the request). It is marked unsafe: a 10 s request timeout fails large uploads and downloads that take longer (give those their own client), and the plain-object form of `requestHandler` needs a recent SDK (older ones expect a `NodeHttpHandler` instance and fail at the first request), which the lockfile check does not cover. With no lockfile the fix adds `throwOnRequestTimeout: true`, which older handlers ignore.',
    references: [
      'https://docs.aws.amazon.com/sdk-for-javascript/v3/developer-guide/node-configuring-maxsockets.html',
      'https://github.com/smithy-lang/smithy-typescript/tree/main/packages/node-http-handler',
      'https://github.com/aws/aws-sdk-js-v3/blob/main/supplemental-docs/CLIENTS.md#request-handler-requesthandler',
    ],
  },
  check: (ctx) => findingsOf(tableProblems(ctx.doc), ID, installed(ctx)),
  fixes: (finding, ctx) => fixesOf(tableProblems(ctx.doc), ID, finding, installed(ctx)),
};

/** The lockfile's versions of a package, for the document's package (unknown without a workspace index). */
function installed(ctx: RuleContext): Installed | undefined {
  const read = ctx.workspace.installedVersions;
  return read ? (name) => read(ctx.doc.path, name) : undefined;
}
