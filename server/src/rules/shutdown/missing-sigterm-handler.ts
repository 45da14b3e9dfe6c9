import { ts } from '../../engine/ts';
import type { ParsedDocument } from '../../engine/document';
import type { Fix, Rule, RuleContext, RuleFinding, TextEdit } from '../../engine/types';
import { codeStyle, fileLogger, quoted, type CodeStyle } from './fix-style';
import { ServerReader, mayStartServer, type Framework, type ServerStart } from './servers';
import { shutdownFacts } from './shutdown-facts';
import { appServerEvidence, pythonFacts, serveCalls, sigtermHandlers } from './python-shutdown';
import { handledElsewhere, loopSites, reachability, type LoopSite } from './python-loops';
import { pythonSigtermFix, type PythonFixSite } from './python-sigterm-fix';
import { qualifiedName, unparen, valueOf, type ModuleFacts } from '../python/module-facts';
import type { PyNode } from '../../engine/python';
import { stripExpression } from './syntax';

// TypeScript's namespace serves every member through a getter (engine/ts.ts): read
// the ones the walks use once, not on every node.
const { SyntaxKind, forEachChild, isAwaitExpression, isBinaryExpression, isBlock, isCallExpression, isClassLike, isExpressionStatement, isFunctionLike, isIdentifier, isModuleBlock, isObjectLiteralExpression, isPropertyAccessExpression, isPropertyAssignment, isShorthandPropertyAssignment, isSourceFile, isVariableDeclaration, isVariableStatement } = ts;

interface Options {
  gracePeriodMs: number;
}

const LABEL: Record<Framework, string> = {
  http: 'an HTTP server',
  express: 'an express app',
  koa: 'a koa app',
  fastify: 'a fastify app',
  nest: 'a NestJS app',
  'nest-microservice': 'a NestJS microservice',
  hapi: 'a hapi server',
  hono: 'a hono server',
};

function startsOf(doc: ParsedDocument): ServerStart[] {
  if (doc.kind !== 'js' || !mayStartServer(doc.text)) return [];
  return new ServerReader(doc.sourceFile).starts();
}

function isFlaggable(ctx: RuleContext<Options>): boolean {
  const { doc } = ctx;
  if (doc.kind !== 'js' || !mayStartServer(doc.text)) return false;
  if (shutdownFacts(doc).handlesSigterm) return false;
  // A published library's listen wrapper (`listen(port) { return this.app.listen(port) }`): the
  // program that uses it owns the process and its signals.
  if (ctx.workspace.packageKind(doc.path) === 'library') return false;
  // Undefined: the workspace is not indexed yet. Saying nothing beats a finding that vanishes a
  // second later.
  return ctx.workspace.handlesSigterm(doc.path) === false;
}

/** A listener for SIGINT only: Ctrl-C works locally, deploys still drop requests. */
const SIGINT_ONLY = /\bprocess\s*\.\s*(?:on|once|addListener|prependListener|prependOnceListener)\s*\(\s*(['"`])SIGINT\1/;

function message(framework: Framework, text: string): string {
  const what = `This starts ${LABEL[framework]}, but nothing in its package handles SIGTERM`;
  const sigint = SIGINT_ONLY.test(text) ? ' This file handles SIGINT (Ctrl-C), which orchestrators do not send.' : '';
  if (framework === 'nest') {
    return `${what}: on every deploy the orchestrator sends SIGTERM and Node exits at once, dropping in-flight requests. Call app.enableShutdownHooks() so Nest closes the app first.${sigint}`;
  }
  if (framework === 'nest-microservice') {
    return `${what}: on every deploy the orchestrator sends SIGTERM and Node exits at once, dropping the messages being handled. Call app.enableShutdownHooks() so Nest closes the microservice first.${sigint}`;
  }
  return `${what}: on every deploy the orchestrator sends SIGTERM and Node exits at once, dropping in-flight requests. Stop accepting connections and drain them on SIGTERM.${sigint}`;
}

export const missingSigtermHandler: Rule<Options> = {
  id: 'missing-sigterm-handler',
  family: 'shutdown',
  kinds: ['js', 'python'],
  roles: ['service'],
  defaultSeverity: 'warning',
  fix: 'safe',
  summary: 'A server or consumer loop runs but nothing in its package handles SIGTERM: deploys drop work.',
  options: {
    gracePeriodMs: {
      type: 'number',
      default: 10000,
      minimum: 1,
      description:
        "How long the inserted SIGTERM handler waits for in-flight requests before exiting with status 1. Keep it below the orchestrator's deadline (Kubernetes terminationGracePeriodSeconds, 30 s by default; ECS stopTimeout; docker stop's 10 s).",
    },
  },
  docs: {
    whatItDoes:
      "Flags the call that starts a long-running HTTP server — `.listen(...)` on a node `http`/`https` server or on an express, koa, fastify or NestJS app, hapi's `server.start()`, hono's `serve(...)` from `@hono/node-server`, and a NestJS microservice's `listen()` / `listenAsync()` (a long-running consumer of TCP, Redis, NATS, Kafka or RabbitMQ messages, shut down like a Nest app) — when no file of the same package (nearest `package.json`) handles SIGTERM. Handling means `process.on|once|addListener|prependListener('SIGTERM', ...)` (also through a list of signals that includes `'SIGTERM'`), using a graceful-shutdown library (`@godaddy/terminus`, `http-terminator`, `stoppable`, `close-with-grace`, `lightship`, and `http-graceful-shutdown`, `fastify-graceful-shutdown`, `exit-hook`, `async-exit-hook`), or NestJS's `app.enableShutdownHooks()`. The handler may live in any file of the package: the editor indexes the workspace in the background and updates when files are created, changed or deleted; until the first index is built this rule says nothing. With no folder open, the editor indexes the package of the opened file when a git repository holds it (otherwise the rule stays silent there). A handler in another package of a monorepo does not count: it runs in another process. Only what the file makes plain is flagged: the framework is imported or required in this file and the app or server is created from it here (`const app = express()`, `http.createServer(app)`, `http.Server(app)` or `require('http').Server(app)` with or without `new`, `Fastify()`, `new Koa()` or koa 1's factory `koa()` / `require('koa')()`, `await NestFactory.create(AppModule)`, `await NestFactory.createMicroservice(AppModule, options)`, `Hapi.server()`; `NestFactory.createApplicationContext` starts nothing); an `app` imported from another module is not followed, a server on port `0` (`listen(0, '127.0.0.1')`, `listen({ port: 0 })`: a port the OS picks that no client outside the process knows) and a listen wrapper in a published library package (its package.json shaped for publishing: the program using it owns the signals) are not flagged, only service code is read (the project model leaves out tests, scripts and command line tools; `prodready explain <file>` says why, `roles:` overrides it), and a file with syntax errors is not flagged (half-typed code says little about the finished file).\n\nWhat is flagged, per framework (the finding sits on the callee name):\n\n```ts\napp.listen(3000);                        // express: const app = express()\napp.listen(3000);                        // koa: const app = new Koa(), or koa 1's koa()\nawait app.listen({ port: 3000 });        // fastify: const app = Fastify({ logger: true })\nserver.listen(8080);                     // node: const server = http.createServer(handler), http.Server(app)\nhttp.createServer(app).listen(port);     // node, express-generator's bin/www\nawait app.listen(3000);                  // NestJS: const app = await NestFactory.create(AppModule)\nawait app.listen();                      // NestJS: await NestFactory.createMicroservice(AppModule, {...})\nawait server.start();                    // hapi: const server = Hapi.server({ port: 3000 })\nserve({ fetch: app.fetch, port: 8787 }); // hono: import { serve } from '@hono/node-server'\n```" +
      '\n\n**Python**: a server the module runs and blocks on itself — `serve_forever()` on a `socketserver` / `http.server` / `wsgiref` server it made (including `with socketserver.TCPServer(...) as httpd:`), grpc\'s `server.wait_for_termination()` — and the loops its entry point runs forever: a `while True:` around a queue poll (confluent-kafka / kafka-python `poll`, aiokafka `getone`/`getmany`, redis-py `blpop`/`brpop`/`blmove`/`xread`/`xreadgroup`, boto3 SQS `receive_message`), pika\'s blocking `channel.start_consuming()`, `for message in consumer:` over a kafka-python consumer (without `consumer_timeout_ms`), an aiokafka consumer or an aio-pika `queue.iterator()`, a coroutine run by `asyncio.run(...)` / `run_until_complete(...)` that loops forever (`while True:` with an `await`) or awaits what never completes (`await asyncio.Future()`, `await asyncio.Event().wait()`), and `loop.run_forever()`. "Its entry point" means module-level code, `if __name__ == \"__main__\":` and the functions and classes they name (transitively): a loop in a function nothing here runs is left to whoever imports it. A loop that ends by itself (a `break` or `return` of its own) is not flagged, nor one in a module that installs any SIGTERM handler (`signal.signal(signal.SIGTERM, ...)`, `loop.add_signal_handler(signal.SIGTERM, ...)`, or a handler for a signal it does not name, such as a loop variable over several), imports a runner that handles SIGTERM (celery, rq, dramatiq, arq, faust, aiorun, twisted, uvicorn, gunicorn, hypercorn; aiohttp `web.run_app`) or a helper of its own whose name says it does (`install_signal_handlers`, `graceful_shutdown`), or that an app server runs. Python\'s default for SIGTERM is to die at once. Apps run by uvicorn, gunicorn or hypercorn (FastAPI, Flask, Django, ...) are never flagged: those servers handle SIGTERM (see `sigterm-handler-overrides-server`). Handlers installed in another module are not seen yet.',
    whyItMatters:
      'Checklist: "Graceful shutdown: handles SIGTERM, drains connections". Kubernetes, ECS, Nomad, systemd and `docker stop` send SIGTERM on every deploy, scale-in and node drain. Node\'s default for SIGTERM is to exit at once: every request in flight gets a reset connection, half-done work is cut off, and clients see 502s on each rollout. A handler that stops accepting connections, lets the requests in flight finish, and exits within the orchestrator\'s grace period makes deploys invisible to users. The grace period must end before the orchestrator gives up and sends SIGKILL: below `terminationGracePeriodSeconds` (30 s by default) in Kubernetes, below the container `stopTimeout` (30 s by default) in ECS, below the 10 s of `docker stop` unless `--time`/`stop_grace_period` says otherwise.',
    example: {
      path: 'src/server.ts',
      code:
        "import express from 'express';\n\nconst app = express();\napp.get('/health', (_req, res) => res.send('ok'));\n\napp.listen(3000);\n",
    },
    useInstead: {
      path: 'src/server.ts',
      code:
        "import express from 'express';\n\nconst app = express();\napp.get('/health', (_req, res) => res.send('ok'));\n\nconst server = app.listen(3000);\n\nprocess.on('SIGTERM', () => {\n  process.stderr.write('SIGTERM received: closing the HTTP server\\n');\n  server.close(() => {\n    process.stderr.write('HTTP server closed: exiting\\n');\n    process.exit(0);\n  });\n  setTimeout(() => {\n    process.stderr.write('Shutdown grace period over: exiting with requests still in flight\\n');\n    process.exit(1);\n  }, 10_000).unref();\n});\n",
    },
    moreExamples: [
      {
        example: {
          path: 'worker/main.py',
          code: ['from confluent_kafka import Consumer', '', 'consumer = Consumer({"bootstrap.servers": "kafka:9092", "group.id": "orders"})', 'consumer.subscribe(["orders"])', '', 'if __name__ == "__main__":', '    while True:', '        message = consumer.poll(1.0)', '        if message is not None:', '            handle(message)', '    consumer.close()', ''].join('\n'),
        },
        useInstead: {
          path: 'worker/main.py',
          code: ['import signal', 'import threading', '', 'from confluent_kafka import Consumer', '', 'consumer = Consumer({"bootstrap.servers": "kafka:9092", "group.id": "orders"})', 'consumer.subscribe(["orders"])', '', 'if __name__ == "__main__":', '    stopping = threading.Event()', '    signal.signal(signal.SIGTERM, lambda signum, frame: stopping.set())', '    while not stopping.is_set():', '        message = consumer.poll(1.0)', '        if message is not None:', '            handle(message)', '    consumer.close()', ''].join('\n'),
        },
      },
      {
        example: {
          path: 'app/serve.py',
          code: ['import http.server', 'import socketserver', '', 'with socketserver.TCPServer(("", 8080), http.server.SimpleHTTPRequestHandler) as httpd:', '    httpd.serve_forever()', ''].join('\n'),
        },
        useInstead: {
          path: 'app/serve.py',
          code: [
            'import http.server',
            'import signal',
            'import socketserver',
            'import threading',
            '',
            'with socketserver.TCPServer(("", 8080), http.server.SimpleHTTPRequestHandler) as httpd:',
            '    signal.signal(signal.SIGTERM, lambda signum, frame: threading.Thread(target=httpd.shutdown).start())',
            '    httpd.serve_forever()',
            '',
          ].join('\n'),
        },
      },
    ],
    fixSafety:
      "Safe when the server is in reach (a variable, `this.<name>`, or a listen call that is a statement of its own): the fix inserts a SIGTERM handler right after the statement that starts the server, and keeps the listen result in a new `const server` (a free name) when it was not kept. The handler logs that it received SIGTERM, stops accepting connections and waits for the requests in flight (`server.close(...)` for node, express, koa and hono servers — Node 19 and later also close idle keep-alive connections there —, `app.close(...)` for fastify, `server.stop({ timeout })` for hapi), exits 0 once drained, and exits 1 when the grace period (option `gracePeriodMs`, default 10 s) runs out, on a timer that is `unref()`'d so it never keeps the process alive by itself. Before the fix, SIGTERM killed the process at once; after it, the process exits a little later and cleanly, which is the intent. It logs through the file's own structured logger when one is plain (a `pino()`, `winston.createLogger()` or `bunyan.createLogger()` value, a `logger` imported from the project's own modules, fastify's `app.log` when the app was created with a `logger` option), and otherwise writes one line to `process.stderr`, never to `console` (which `console-log` would flag in service code). NestJS: the fix calls `app.enableShutdownHooks()` before `app.listen` (or a microservice's `listenAsync`), so Nest runs its shutdown hooks and closes the HTTP server (or the microservice's transport) on SIGTERM. No fix is offered when the listen result cannot be kept without restructuring the code (`module.exports = app.listen(...)`, a listen call inside a larger expression, a body without braces).\n\nWhat the fix inserts, per framework (its log lines left out here):\n\n```ts\n// express, koa, node http, hono: the listen/serve result, kept in `server`\nconst server = app.listen(3000);\nprocess.on('SIGTERM', () => {\n  server.close(() => process.exit(0));\n  setTimeout(() => process.exit(1), 10_000).unref();\n});\n\n// fastify (after `await app.listen(...)`)\nprocess.on('SIGTERM', () => {\n  app.close(() => process.exit(0));\n  setTimeout(() => process.exit(1), 10_000).unref();\n});\n\n// hapi (after `await server.start()`)\nprocess.on('SIGTERM', () => {\n  server.stop({ timeout: 10_000 }).then(() => process.exit(0));\n  setTimeout(() => process.exit(1), 10_000).unref();\n});\n\n// NestJS (before `await app.listen(...)`)\napp.enableShutdownHooks();\n```\n\n**Python**: the fix installs the handler right before the statement that runs the server or the loop, with the module\'s own import names (`import signal` / `import threading` added among its imports when missing), and only when that code runs in the main thread (module-level code, or functions the entry point calls; `signal.signal` raises in any other thread) and the module has only one such site (a process has one handler per signal).\n\n```python\n# serve_forever() (safe): serve_forever returns, the with block closes the server\nsignal.signal(signal.SIGTERM, lambda signum, frame: threading.Thread(target=httpd.shutdown).start())\n# grpc wait_for_termination() (safe), with gracePeriodMs in seconds\nsignal.signal(signal.SIGTERM, lambda signum, frame: server.stop(10))\n# loop.run_forever() (safe)\nloop.add_signal_handler(signal.SIGTERM, loop.stop)\n# pika start_consuming() (unsafe)\nsignal.signal(signal.SIGTERM, lambda signum, frame: channel.stop_consuming())\n# while True: around a poll (unsafe)\nstopping = threading.Event()\nsignal.signal(signal.SIGTERM, lambda signum, frame: stopping.set())\nwhile not stopping.is_set():\n# asyncio: while True: (unsafe); `await asyncio.Future()` becomes `await stopping.wait()`\nstopping = asyncio.Event()\nasyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stopping.set)\nwhile not stopping.is_set():\n```\n\nThe loop fixes are unsafe: the loop now finishes the message in hand and returns, so the code after it runs (close the consumer, then exit); a receive with no timeout (`blpop(key)`, `await queue.get()`) delays the stop until the next message arrives. No fix for `for message in consumer:`, for a grpc.aio server, or for code that may run in another thread.",
    references: [
      'https://kubernetes.io/docs/concepts/containers/container-lifecycle-hooks/#container-hooks',
      'https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle/#pod-termination',
      'https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ContainerDefinition.html',
      'https://nodejs.org/api/process.html#signal-events',
      'https://nodejs.org/api/http.html#serverclosecallback',
      'https://docs.nestjs.com/fundamentals/lifecycle-events#application-shutdown',
      'https://github.com/godaddy/terminus',
      'https://docs.python.org/3/library/socketserver.html#socketserver.BaseServer.shutdown',
      'https://grpc.github.io/grpc/python/grpc.html#grpc.Server.stop',
    ],
  },

  check(ctx): RuleFinding[] {
    if (ctx.doc.kind === 'python') return checkPython(ctx);
    if (!isFlaggable(ctx)) return [];
    const sf = ctx.doc.sourceFile;
    // Half-typed code says little about the finished file (the handler may be what is being typed).
    if (hasSyntaxErrors(sf)) return [];
    return startsOf(ctx.doc).filter((start) => !onEphemeralPort(start)).map((start) => ({
      start: start.name.getStart(sf),
      end: start.name.end,
      message: message(start.framework, ctx.doc.text),
      data: { framework: start.framework },
    }));
  },

  fixes(finding, ctx): Fix[] {
    if (ctx.doc.kind === 'python') return fixPython(finding, ctx);
    const sf = ctx.doc.sourceFile;
    const start = startsOf(ctx.doc).find((s) => s.name.getStart(sf) === finding.start);
    if (!start) return [];
    const fix = start.framework === 'nest' || start.framework === 'nest-microservice' ? nestFix(ctx, start) : drainFix(ctx, start);
    return fix ? [fix] : [];
  },
};

/**
 * `listen(0, ...)` or `listen({ port: 0 })`: the OS picks a free port that no client outside the
 * process knows (a loopback proxy for the process's own headless browser, a test server), so no
 * deploy drops its clients' requests.
 */
function onEphemeralPort(start: ServerStart): boolean {
  const first = start.call.arguments[0];
  if (!first) return false;
  const e = stripExpression(first);
  if (e.kind === SyntaxKind.NumericLiteral) return (e as ts.NumericLiteral).text === '0';
  if (!isObjectLiteralExpression(e)) return false;
  return e.properties.some((p) => isPropertyAssignment(p) && isIdentifier(p.name) && p.name.text === 'port' && stripExpression(p.initializer).kind === SyntaxKind.NumericLiteral && (stripExpression(p.initializer) as ts.NumericLiteral).text === '0');
}

function hasSyntaxErrors(sf: ts.SourceFile): boolean {
  const diagnostics = (sf as unknown as { parseDiagnostics?: readonly ts.Diagnostic[] }).parseDiagnostics;
  return Array.isArray(diagnostics) && diagnostics.length > 0;
}

/** The statement that holds `node`, when it sits directly in a list of statements. */
function enclosingStatement(node: ts.Node): ts.Statement | undefined {
  let current: ts.Node = node;
  while (current.parent && !isSourceFile(current)) {
    if (isFunctionLike(current) || isClassLike(current)) return undefined;
    const parent: ts.Node = current.parent;
    if (isBlock(parent) || isSourceFile(parent) || isModuleBlock(parent)) return current as ts.Statement;
    current = parent;
  }
  return undefined;
}

function lineIndent(doc: ParsedDocument, offset: number): string {
  const line = doc.lines.lineText(doc.lines.positionAt(offset).line);
  return /^[ \t]*/.exec(line)![0];
}

function nestFix(ctx: RuleContext<Options>, start: ServerStart): Fix | undefined {
  const { doc } = ctx;
  if (!start.receiver || !isReachable(start.receiver)) return undefined;
  const statement = enclosingStatement(start.call);
  if (!statement) return undefined;
  const style = codeStyle(doc, statement);
  const at = statement.getStart(doc.sourceFile);
  const receiver = stripExpression(start.receiver).getText(doc.sourceFile);
  const newText = `${receiver}.enableShutdownHooks()${style.semicolon}${doc.lines.eol}${lineIndent(doc, at)}`;
  return { title: 'Call app.enableShutdownHooks() before listen', safe: true, edits: [{ start: at, end: at, newText }] };
}

/** An identifier or `this.name`: a value the inserted handler can reach by the same words. */
function isReachable(node: ts.Expression): boolean {
  const e = stripExpression(node);
  return isIdentifier(e) || (isPropertyAccessExpression(e) && e.expression.kind === SyntaxKind.ThisKeyword);
}

interface DrainTarget {
  /** How the handler names what it closes. */
  name: string;
  /** Edits that keep the server in a variable first, when needed. */
  keep: TextEdit[];
  statement: ts.Statement;
  how: 'close' | 'fastify' | 'hapi';
}

function drainTarget(ctx: RuleContext<Options>, start: ServerStart): DrainTarget | undefined {
  const { doc } = ctx;
  const sf = doc.sourceFile;
  const statement = enclosingStatement(start.call);
  if (!statement) return undefined;

  // The receiver itself is what gets closed: a fastify app, a hapi server, a node server in a variable.
  if (start.receiver && (start.receiverValue === 'fastify' || start.receiverValue === 'hapi')) {
    if (!isReachable(start.receiver)) return undefined;
    return { name: stripExpression(start.receiver).getText(sf), keep: [], statement, how: start.receiverValue };
  }
  if (start.receiver && start.receiverValue === 'http' && isReachable(start.receiver)) {
    return { name: stripExpression(start.receiver).getText(sf), keep: [], statement, how: 'close' };
  }

  // express, koa, hono, `http.createServer(app).listen()`: the listen/serve result is the server to close.
  if (isVariableStatement(statement)) {
    const declarations = statement.declarationList.declarations;
    const [declaration] = declarations;
    if (declarations.length === 1 && isIdentifier(declaration.name) && declaration.initializer && stripExpression(declaration.initializer) === start.call) {
      return { name: declaration.name.text, keep: [], statement, how: 'close' };
    }
    return undefined;
  }
  if (!isExpressionStatement(statement)) return undefined;
  const expression = statement.expression;
  if (
    isBinaryExpression(expression) &&
    expression.operatorToken.kind === SyntaxKind.EqualsToken &&
    stripExpression(expression.right) === start.call &&
    isReachable(expression.left)
  ) {
    return { name: stripExpression(expression.left).getText(sf), keep: [], statement, how: 'close' };
  }
  const bare = isAwaitExpression(expression) ? expression.expression : expression;
  if (bare !== start.call) return undefined;
  const name = freeName(sf, ['server', 'httpServer']);
  const at = statement.getStart(sf);
  return { name, keep: [{ start: at, end: at, newText: `const ${name} = ` }], statement, how: 'close' };
}

function drainFix(ctx: RuleContext<Options>, start: ServerStart): Fix | undefined {
  const { doc } = ctx;
  const target = drainTarget(ctx, start);
  if (!target) return undefined;
  const style = codeStyle(doc, target.statement);
  const grace = graceLiteral(ctx.options.gracePeriodMs);
  const log = logCall(ctx, start, style);
  const { semicolon: semi, indentUnit: u } = style;
  const eol = doc.lines.eol;
  const base = lineIndent(doc, target.statement.getStart(doc.sourceFile));
  const what = target.how === 'close' ? 'the HTTP server' : 'the server';
  const What = target.how === 'close' ? 'HTTP server' : 'Server';

  const drained = [`${u}${u}${log('info', `${What} closed: exiting`)}${semi}`, `${u}${u}process.exit(0)${semi}`];
  const drain =
    target.how === 'hapi'
      ? [`${u}${target.name}.stop({ timeout: ${GRACE} }).then(() => {`, ...drained, `${u}})${semi}`]
      : [`${u}${target.name}.close(() => {`, ...drained, `${u}})${semi}`];
  const body = [
    `process.on(${quoted('SIGTERM', style.quote)}, () => {`,
    `${u}${log('info', `SIGTERM received: closing ${what}`)}${semi}`,
    ...drain,
    `${u}setTimeout(() => {`,
    `${u}${u}${log('error', 'Shutdown grace period over: exiting with requests still in flight')}${semi}`,
    `${u}${u}process.exit(1)${semi}`,
    `${u}}, ${GRACE}).unref()${semi}`,
    `})${semi}`,
  ];
  const lines = body.map((line) => base + line);

  // After the statement: at the end of its line when only a comment follows it there.
  const statementEnd = target.statement.end;
  const lineEnd = doc.lines.lineEnd(doc.lines.positionAt(statementEnd).line);
  const rest = doc.text.slice(statementEnd, lineEnd);
  const at = /^\s*(?:\/\/.*)?$/.test(rest) ? lineEnd : statementEnd;
  const gap = isSourceFile(target.statement.parent) ? eol + eol : eol;
  const block = gap + lines.join(eol);
  const handler: TextEdit = {
    start: at,
    end: at,
    newText: block.split(GRACE).join(grace),
    snippet: escapeSnippet(block).split(GRACE).join(`\${1:${grace}}`),
  };
  return {
    title: target.keep.length > 0 ? `Keep the server in '${target.name}' and drain it on SIGTERM` : `Drain '${target.name}' on SIGTERM`,
    safe: true,
    edits: [...target.keep, handler],
  };
}

/** A marker for the grace period in generated text, replaced by the value or a snippet placeholder. */
const GRACE = '\u0000GRACE\u0000';

function graceLiteral(ms: unknown): string {
  const value = typeof ms === 'number' && Number.isFinite(ms) && ms > 0 ? Math.round(ms) : 10000;
  const digits = String(value);
  return value >= 10000 ? digits.replace(/\B(?=(\d{3})+$)/g, '_') : digits;
}

function escapeSnippet(text: string): string {
  return text.replace(/[\\$}]/g, (c) => `\\${c}`);
}

function logCall(ctx: RuleContext<Options>, start: ServerStart, style: CodeStyle): (level: 'info' | 'error', text: string) => string {
  const sf = ctx.doc.sourceFile;
  let logger = fileLogger(sf);
  if (!logger && start.framework === 'fastify' && start.receiver && fastifyHasLogger(start.receiver, sf)) {
    logger = `${stripExpression(start.receiver).getText(sf)}.log`;
  }
  if (logger) return (level, text) => `${logger}.${level}(${quoted(text, style.quote)})`;
  return (_level, text) => `process.stderr.write(${quoted(text, style.quote, '\\n')})`;
}

/** Whether the fastify app was created with a `logger` option that is not `false`. */
function fastifyHasLogger(receiver: ts.Expression, sf: ts.SourceFile): boolean {
  const name = stripExpression(receiver);
  if (!isIdentifier(name)) return false;
  let found = false;
  const visit = (node: ts.Node): void => {
    if (found) return;
    if (isVariableDeclaration(node) && isIdentifier(node.name) && node.name.text === name.text && node.initializer) {
      const init = stripExpression(node.initializer);
      const options = isCallExpression(init) ? init.arguments[0] : undefined;
      if (options && isObjectLiteralExpression(options)) {
        found = options.properties.some(
          (p) =>
            (isPropertyAssignment(p) || isShorthandPropertyAssignment(p)) &&
            isIdentifier(p.name) &&
            p.name.text === 'logger' &&
            !(isPropertyAssignment(p) && p.initializer.kind === SyntaxKind.FalseKeyword),
        );
      }
    }
    forEachChild(node, visit);
  };
  visit(sf);
  return found;
}

function freeName(sf: ts.SourceFile, preferred: string[]): string {
  const used = new Set<string>();
  const visit = (node: ts.Node): void => {
    if (isIdentifier(node)) used.add(node.text);
    forEachChild(node, visit);
  };
  visit(sf);
  for (const name of preferred) if (!used.has(name)) return name;
  for (let i = 2; ; i++) if (!used.has(`${preferred[0]}${i}`)) return `${preferred[0]}${i}`;
}

/**
 * Python: a server the module runs and blocks on itself (`serve_forever()`, grpc's
 * `wait_for_termination()`), or a loop its entry point runs forever (a queue consumer, an asyncio
 * main that never returns, `loop.run_forever()`), in a module that installs no SIGTERM handler.
 * Apps that uvicorn, gunicorn or hypercorn run are never flagged: those servers handle SIGTERM for
 * them; nor modules run by a worker that handles it (celery, rq, dramatiq, arq, ...).
 */
interface PythonSite {
  start: number;
  end: number;
  message: string;
  fix: PythonFixSite;
}

const pySites = new WeakMap<ParsedDocument, PythonSite[]>();

function pythonSites(ctx: RuleContext<Options>): PythonSite[] {
  const { doc } = ctx;
  const cached = pySites.get(doc);
  if (cached) return cached;
  const out: PythonSite[] = [];
  pySites.set(doc, out);
  const facts = pythonFacts(doc);
  const root = doc.pythonTree?.rootNode;
  if (!facts || !root || root.hasError) return out;
  if (sigtermHandlers(facts).length > 0) return out;
  // Which code the entry point reaches: read only when there is something to place.
  let reached: ReturnType<typeof reachability> | undefined;
  const reach = (): ReturnType<typeof reachability> => (reached ??= reachability(root));
  const dies = 'on every deploy the orchestrator sends SIGTERM and Python exits at once';
  for (const serve of serveCalls(facts)) {
    const callee = serve.call.childForFieldName('function')!;
    const object = unparen(callee.childForFieldName('object')!);
    const grpc = serve.name.text === 'wait_for_termination';
    const statement = serve.call.parent?.type === 'expression_statement' ? serve.call.parent : undefined;
    out.push({
      start: serve.name.startIndex,
      end: serve.name.endIndex,
      message: grpc
        ? `This runs ${serve.label}, but nothing in this module handles SIGTERM: ${dies}, dropping in-flight calls. On SIGTERM call \`server.stop(grace)\` and wait for it.`
        : `This runs ${serve.label}, but nothing in this module handles SIGTERM: ${dies}, dropping in-flight requests. On SIGTERM call \`server.shutdown()\` from another thread so \`serve_forever()\` returns, then close the server.`,
      fix: {
        // grpc.aio servers are awaited in a coroutine: their handler is the loop's, not signal.signal.
        kind: grpc ? (serve.label === 'a grpc server' && !isAioGrpc(facts, object) ? 'grpc' : 'async-forever') : 'serve-forever',
        statement: statement ?? serve.call,
        receiver: object.type === 'identifier' ? object.text : undefined,
        mainThread: statement !== undefined && reach().mainThread(serve.call),
      },
    });
  }
  // Loops: only those nothing else stops, in a module no app server or worker runs.
  if (handledElsewhere(facts) || appServerEvidence(doc, facts, ctx.workspace)) return out;
  for (const site of loopSites(facts, doc.text, reach)) {
    out.push({ start: site.start, end: site.end, message: loopMessage(doc, site, dies), fix: site });
  }
  return out;
}

function isAioGrpc(facts: ModuleFacts, object: PyNode): boolean {
  const value = object.type === 'identifier' ? valueOf(facts, object) : object;
  return value?.type === 'call' && qualifiedName(facts, value.childForFieldName('function')) === 'grpc.aio.server';
}

function loopMessage(doc: ParsedDocument, site: LoopSite, dies: string): string {
  const runner = site.runner ? ` under \`${site.runner.childForFieldName('function')?.text ?? 'asyncio.run'}(...)\` (line ${doc.lines.positionAt(site.runner.startIndex).line + 1})` : '';
  switch (site.kind) {
    case 'poll-loop':
      return `This loop polls ${site.label} forever, but nothing in this module handles SIGTERM: ${dies}, in the middle of the message in hand. On SIGTERM set a flag the loop checks, so it finishes that message and stops.`;
    case 'iterates':
      return `This loop reads ${site.label} forever, but nothing in this module handles SIGTERM: ${dies}, in the middle of the message in hand. On SIGTERM stop the consumer so the loop ends and the consumer closes.`;
    case 'blocks':
      return `This consumes ${site.label} until it is stopped, but nothing in this module handles SIGTERM: ${dies}, in the middle of the message in hand. On SIGTERM call \`${site.receiver ?? 'channel'}.${site.stop ?? 'stop_consuming'}()\`.`;
    case 'run-forever':
      return `This runs ${site.label} forever, but nothing in this module handles SIGTERM: ${dies}, cutting every task short. On SIGTERM stop the loop (\`loop.add_signal_handler(signal.SIGTERM, loop.stop)\`).`;
    case 'async-loop':
      return `This loop runs forever${runner}, but nothing in this module handles SIGTERM: ${dies}, cutting the work in hand short (asyncio.run handles only Ctrl-C). On SIGTERM set an event the loop checks (\`loop.add_signal_handler(signal.SIGTERM, ...)\`).`;
    case 'async-forever':
      return `This waits forever${runner}, but nothing in this module handles SIGTERM: ${dies}, cutting every task short (asyncio.run handles only Ctrl-C). Wait for an event that a SIGTERM handler sets (\`loop.add_signal_handler(signal.SIGTERM, ...)\`) instead.`;
  }
}

function checkPython(ctx: RuleContext<Options>): RuleFinding[] {
  return pythonSites(ctx).map((s) => ({ start: s.start, end: s.end, message: s.message }));
}

function fixPython(finding: RuleFinding, ctx: RuleContext<Options>): Fix[] {
  const site = pythonSites(ctx).find((s) => s.start === finding.start);
  const facts = pythonFacts(ctx.doc);
  const root = ctx.doc.pythonTree?.rootNode;
  if (!site || !facts || !root) return [];
  const ms = ctx.options.gracePeriodMs;
  const seconds = typeof ms === 'number' && Number.isFinite(ms) && ms > 0 ? Math.max(1, Math.round(ms / 1000)) : 10;
  // One handler per signal: with two loops here, one fix would replace the other's handler.
  if (pythonSites(ctx).length > 1) return [];
  const fix = pythonSigtermFix(ctx.doc, facts, root, site.fix, seconds);
  return fix ? [fix] : [];
}
