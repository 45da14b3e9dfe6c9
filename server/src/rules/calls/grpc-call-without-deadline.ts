// grpc-call-without-deadline: a unary gRPC call that waits for its answer forever. The libraries
// are rows of GRPC_LIBRARIES (grpc.ts).

import type { Fix, Rule, RuleContext } from '../../engine/types';
import { GRPC_LIBRARIES, grpcProblems } from './grpc';
import { PY_GRPC_LIBRARIES, pythonGrpcProblems } from './python-grpc';

const ID = 'grpc-call-without-deadline';

export interface GrpcDeadlineOptions {
  deadlineMs: number;
}

function deadlineMs(options: GrpcDeadlineOptions): number {
  return Number.isFinite(options.deadlineMs) && options.deadlineMs > 0 ? options.deadlineMs : 10000;
}

function problemsOf(ctx: RuleContext<GrpcDeadlineOptions>): Array<{ start: number; end: number; message: string; fix?: () => Fix | undefined }> {
  const ms = deadlineMs(ctx.options);
  return ctx.doc.kind === 'python' ? pythonGrpcProblems(ctx.doc, ms, ctx.workspace) : grpcProblems(ctx.doc, ms, ctx.workspace);
}

export const grpcCallWithoutDeadline: Rule<GrpcDeadlineOptions> = {
  id: ID,
  family: 'calls',
  kinds: ['js', 'python'],
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
      '**Python (grpcio)**: a call on a stub the module makes, `users_pb2_grpc.UsersStub(channel)` (any `<Service>Stub` of a `*_pb2_grpc` module, imported absolutely or relatively), on a channel it makes plain (`grpc.insecure_channel(...)`, `grpc.secure_channel(...)`, their `grpc.aio` twins, a name or `with ... as channel` holding one), without `timeout=` (or with `timeout=None`); also `stub.Get.future(...)` and `stub.Get.with_call(...)`. A stub made at module level in another module of the workspace (`from app.clients import users`) is followed through the workspace index. Not flagged: a channel from `grpc.intercept_channel(...)` or made with `interceptors=` (aio) or a `grpc.service_config` option; a channel or options from elsewhere (unknown); `**kwargs`; a call read as a response stream (iterated by `for` or `async for`, directly or through the name it is assigned to, or read with `.read()`), which may be meant to stay open.',
      '',
      PY_GRPC_LIBRARIES.map((l) => `- **${l.library}**: ${l.default} Source: ${l.source}`).join('\n'),
      '',
      'Not flagged: a client created with `interceptors`, `interceptor_providers` or a `grpc.service_config` in its options (the interceptor or the service config is where its deadline is set); client options, metadata or call options from a variable the file does not make plain (unknown); calls with no callback (streams and promisified wrappers, not followed). A client another module of the workspace makes and exports (`export const users = new UsersClient(...)`, `module.exports = client`, `module.exports = { users }`) is followed through the workspace index to the files that import it relatively; a client from a package, a factory function or a module the index does not hold is unknown.',
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
    moreExamples: [
      {
        example: {
          path: 'app/users.py',
          code: 'import grpc\n\nfrom app.gen import users_pb2, users_pb2_grpc\n\nchannel = grpc.insecure_channel("users:50051")\nusers = users_pb2_grpc.UsersStub(channel)\n\n\ndef get_user(user_id):\n    return users.GetUser(users_pb2.GetUserRequest(id=user_id))\n',
        },
        useInstead: {
          path: 'app/users.py',
          code: 'import grpc\n\nfrom app.gen import users_pb2, users_pb2_grpc\n\nchannel = grpc.insecure_channel("users:50051")\nusers = users_pb2_grpc.UsersStub(channel)\n\n\ndef get_user(user_id):\n    return users.GetUser(users_pb2.GetUserRequest(id=user_id), timeout=10)\n',
        },
      },
    ],
    fixSafety: 'Adding `deadline: Date.now() + 10_000` (the `deadlineMs` option) to the call options, or a call options argument before the callback, is safe: it is what the rule asks for, and a call that legitimately takes longer should say so with its own deadline. A call options object held in a variable becomes `{ ...options, deadline: ... }` at the call, so other calls keep theirs. In Python the fix adds `timeout=10` (seconds, from the same option) as the call\'s last argument, equally safe.',
    references: ['https://grpc.io/docs/guides/deadlines/', 'https://grpc.github.io/grpc/node/grpc.Client.html', 'https://grpc.io/blog/deadlines/'],
  },
  check: (ctx) => problemsOf(ctx).map(({ start, end, message }) => ({ start, end, message })),
  fixes(finding, ctx) {
    const problem = problemsOf(ctx).find((p) => p.start === finding.start && p.end === finding.end && p.message === finding.message);
    const fix = problem?.fix?.();
    return fix ? [fix] : [];
  },
};
