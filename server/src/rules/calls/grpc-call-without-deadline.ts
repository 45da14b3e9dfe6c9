// grpc-call-without-deadline: a unary gRPC call that waits for its answer forever. The libraries
// are rows of GRPC_LIBRARIES (grpc.ts).

import type { Rule } from '../../engine/types';
import { GRPC_LIBRARIES, grpcProblems } from './grpc';

const ID = 'grpc-call-without-deadline';

export interface GrpcDeadlineOptions {
  deadlineMs: number;
}

function deadlineMs(options: GrpcDeadlineOptions): number {
  return Number.isFinite(options.deadlineMs) && options.deadlineMs > 0 ? options.deadlineMs : 10000;
}

export const grpcCallWithoutDeadline: Rule<GrpcDeadlineOptions> = {
  id: ID,
  family: 'calls',
  kinds: ['js'],
  roles: ['service'],
  defaultSeverity: 'warning',
  fix: 'safe',
  summary: 'A unary gRPC call with no deadline: it waits for the answer forever.',
  options: {
    deadlineMs: {
      type: 'number',
      default: 10000,
      minimum: 1,
      description: 'The deadline, in milliseconds from the call, that quick fixes insert (`Date.now() + ms`).',
    },
  },
  docs: {
    whatItDoes: [
      'Flags a unary call (callback style: `client.getUser(request, [metadata,] [options,] callback)`) on a gRPC client the file creates, when its call options have no `deadline` (or `deadline: Infinity`). A client is one the file makes plain: `new XClient(address, grpc.credentials.createInsecure())` (any generated client: grpc-tools, ts-proto, protoc-gen-ts), a service constructor from `grpc.loadPackageDefinition(...)`, a class from `makeClientConstructor(...)`, or a class imported from a `*_grpc_pb` module; kept in a variable or a class member (`this.client`).',
      '',
      GRPC_LIBRARIES.map((l) => `- **${l.library}**: ${l.default} Source: ${l.source}`).join('\n'),
      '',
      'How long "forever" is: until the server answers or the HTTP/2 connection breaks. grpc-js sends keepalive pings only when `grpc.keepalive_time_ms` is set, so a call to a server that accepted it and then stalled (a deadlock, a full queue, a proxy that lost the backend) never returns and its callback never runs.',
      '',
      'Not flagged: a client created with `interceptors`, `interceptor_providers` or a `grpc.service_config` in its options (the interceptor or the service config is where its deadline is set); client options, metadata or call options from a variable the file does not make plain (unknown); calls with no callback (streams and promisified wrappers, not followed); clients created in another file.',
    ].join('\n'),
    whyItMatters:
      'Checklist: "Timeouts: all external calls have explicit timeouts". gRPC puts the deadline on the caller by design: there is no default, and the server learns the deadline from the call and can stop working when it passes. A call with none ties up the caller\'s request, and the server keeps working for someone who left long ago.',
    example: {
      path: 'src/users-client.ts',
      code: "import * as grpc from '@grpc/grpc-js';\nimport { UsersClient } from './gen/users_grpc_pb';\n\nconst users = new UsersClient(process.env.USERS_ADDR!, grpc.credentials.createInsecure());\n\nexport function getUser(request: GetUserRequest, done: (err: Error | null, user?: User) => void) {\n  users.getUser(request, (err, user) => done(err, user));\n}\n",
    },
    useInstead: {
      path: 'src/users-client.ts',
      code: "import * as grpc from '@grpc/grpc-js';\nimport { UsersClient } from './gen/users_grpc_pb';\n\nconst users = new UsersClient(process.env.USERS_ADDR!, grpc.credentials.createInsecure());\n\nexport function getUser(request: GetUserRequest, done: (err: Error | null, user?: User) => void) {\n  users.getUser(request, { deadline: Date.now() + 10_000 }, (err, user) => done(err, user));\n}\n",
    },
    fixSafety: 'Adding `deadline: Date.now() + 10_000` (the `deadlineMs` option) to the call options, or a call options argument before the callback, is safe: it is what the rule asks for, and a call that legitimately takes longer should say so with its own deadline. A call options object held in a variable becomes `{ ...options, deadline: ... }` at the call, so other calls keep theirs.',
    references: ['https://grpc.io/docs/guides/deadlines/', 'https://grpc.github.io/grpc/node/grpc.Client.html', 'https://grpc.io/blog/deadlines/'],
  },
  check: (ctx) => grpcProblems(ctx.doc, deadlineMs(ctx.options)).map(({ start, end, message }) => ({ start, end, message })),
  fixes(finding, ctx) {
    const problem = grpcProblems(ctx.doc, deadlineMs(ctx.options)).find((p) => p.start === finding.start && p.end === finding.end && p.message === finding.message);
    const fix = problem?.fix?.();
    return fix ? [fix] : [];
  },
};
