import { ts } from '../../engine/ts';
import type { Fix, Rule, RuleContext, RuleFinding, TextEdit } from '../../engine/types';
import { factsFor, insideFunction, perFile, unwrap as unwrapExpr, type FileFacts } from './file-facts';
import { loggerTargetAt, type TargetKind } from './logger-targets';
import { addPinoLogger, importNestLogger, importProjectLogger, preferredQuote } from './logger-edits';
import { optedOutElsewhere } from '../../engine/opt-outs';
import { jsSignals } from '../../engine/model/js-signals';
import { jsDebugOnly } from './debug-only';
import { consoleParts, hasComment, isErrorValue, renderArguments, renderTemplate, structure } from './structured-call';

// TypeScript's namespace serves every member through a getter (engine/ts.ts): read
// the ones the walks use once, not on every node.
const { isObjectLiteralExpression, isPropertyAccessExpression, isPropertyAssignment, isShorthandPropertyAssignment } = ts;

/**
 * The logger level for a console method. winston's default levels have no `trace`: it gets `debug`.
 * NestJS's Logger has `log` for info and `verbose` below debug.
 */
export function levelFor(method: string, kind: TargetKind): string {
  if (kind === 'nest') return method === 'info' ? 'log' : method === 'trace' ? 'verbose' : method;
  if (method === 'log') return 'info';
  if (method === 'trace' && kind === 'winston') return 'debug';
  return method;
}

export interface ConsoleLogOptions {
  respectEslintDisable: boolean;
  ignoreLibraries: boolean;
}

/** A value that reads as text inside a template (a property, a literal, a number), not a bare identifier or a call that may hold an object. */
function mayJoinAsText(expr: ts.Expression): boolean {
  const e = unwrapExpr(expr);
  return isPropertyAccessExpression(e) || ts.isLiteralExpression(e) || ts.isTemplateExpression(e) || ts.isBinaryExpression(e);
}

/** The file's console calls by where their callee is (the first call, where two share it). */
const consoleCallsAt = perFile((facts: FileFacts) => {
  const at = new Map<string, FileFacts['consoleCalls'][number]>();
  for (const c of facts.consoleCalls) {
    const key = `${c.callee.getStart(facts.sourceFile)}:${c.callee.end}`;
    if (!at.has(key)) at.set(key, c);
  }
  return at;
});
/**
 * Whether the last-resort fix may add a pino logger: not when the package.json is known and does not
 * list pino. A fix that adds a dependency (and its install, its lock file, its choice of logger) is
 * not one a reviewer merges as is; the finding stays, with no fix, for a person to decide.
 */
function mayAddPino(ctx: RuleContext<ConsoleLogOptions>): boolean {
  return ctx.workspace.dependsOn?.(ctx.doc.path, 'pino') !== false;
}
/**
 * Modules that make a file part of the logging or telemetry pipeline itself (a transport, the
 * OpenTelemetry SDK set-up): console is the last-resort sink there, for when that pipeline fails or
 * is not up yet, and the structured logger it would be replaced by is what is failing.
 */
const LOG_PIPELINE_IMPORT = /^(?:@opentelemetry\/sdk-(?:node|trace-node|trace-base|logs|metrics)|@opentelemetry\/auto-instrumentations-node|winston-transport|pino-abstract-transport|pino-logflare|@google-cloud\/logging-(?:winston|bunyan)|@logtail\/(?:pino|winston))(?:\/|$)/;

function findCall(facts: FileFacts, finding: RuleFinding) {
  return consoleCallsAt(facts).get(`${finding.start}:${finding.end}`);
}

export const consoleLog: Rule<ConsoleLogOptions> = {
  id: 'console-log',
  family: 'logging',
  kinds: ['js'],
  roles: ['service'],
  defaultSeverity: 'warning',
  fix: 'sometimes-safe',
  summary: 'A console call in service code writes plain text with no level, no fields and no request id.',
  options: {
    respectEslintDisable: {
      type: 'boolean',
      default: true,
      description:
        'Leave console calls alone where another linter\'s console rule is disabled for them: ESLint\'s and oxlint\'s `no-console` (`// eslint-disable-line no-console`, `// eslint-disable-next-line no-console`, a file-wide `/* eslint-disable no-console */`, the same directives with no rule list, and their `oxlint-disable` twins), Biome\'s `// biome-ignore lint/suspicious/noConsole: reason` and Deno\'s `// deno-lint-ignore no-console` (and `-file`): the author already made the choice.',
    },
    ignoreLibraries: {
      type: 'boolean',
      default: true,
      description:
        'Leave packages alone whose package.json says they are a published library or tool (not `private`, no `start` script, and a `main`, `exports`, `module`, `types`, `bin` or `files` entry): their console output (a deprecation notice, a default error handler, a CLI\'s output) is for the developer using them, and the service that uses them chooses its logger.',
    },
  },
  docs: {
    whatItDoes: [
      'Flags `console.log`, `console.info`, `console.warn`, `console.error`, `console.debug` and `console.trace` calls in service code, and those methods handed to a call as a callback (`main().catch(console.error)`, `emitter.on(\'warning\', console.warn)`). The bracket forms are console calls too: `console[\'log\'](...)` with a literal key (one of those methods) is flagged and fixed like `console.log(...)`, and `console[level](...)`, whose method is picked at run time, is flagged with no fix.',
      'It reads service code only: the project model (see docs/configuration.md, "What a file is for") decides which files those are, and leaves out tests and test helpers, scripts, migrations, seeds and load tests, command line tools (a `#!` line, `process.argv` in a file that starts no server, a terminal library), build and tool configuration, browser code (UI framework imports, browser globals such as `window`, `document`, `$`, `localStorage`, `navigator`, `\'use client\'`, folders a server serves statically, front-end packages), local development files and generated or vendored code. `prodready explain <file>` shows its answer and why; `roles:` in `.prodready.yaml` overrides it.',
      'A file that is part of the logging or telemetry pipeline itself is not checked: one importing a log transport (`winston-transport`, `pino-abstract-transport`, `pino-logflare`, `@google-cloud/logging-winston`, ...) or the OpenTelemetry SDK (`@opentelemetry/sdk-node`, ...). Console is the last-resort sink there, for when that pipeline fails or is not up yet.',
      'The finding sits on the callee (`console.log`). A call inside the scope of the file\'s own `console` binding is not checked, and neither is a call where another linter\'s console rule is disabled (ESLint, oxlint, Biome, Deno; option `respectEslintDisable`). A console call is never also reported as `interpolated-log-message`.',
      'Debug-only output is not flagged: a console call in the branch of an `if` taken when a debug flag is on (`if (this.debug)`, `if (Calculator.ENABLE_LOGGING)`, `if (process.env.DEBUG)`, `if (opts.verbose && rows)`, `process.env.DEBUG === \'true\'`, `level === \'debug\'`, the `else` of `if (!DEBUG)`), to the right of `DEBUG && console.log(...)`, or after a guard that leaves the block when it is off (`if (!this.verbose) return;`). A debug flag is a name, property or environment variable whose words say `debug` or `verbose` (`DEBUG`, `isDebug`, `verboseMode`), or `trace` / `ENABLE_LOGGING`. What sets the flag is not followed: unlike `print-call`, a flag read at run time counts too (the real-world review judged every debug-gated console call debatable at most, none a true finding).',
      'A package whose package.json says it is a published library or tool (not `private`, no `start` script, and a `main`, `exports`, `module`, `types`, `bin` or `files` entry) is not service code either (option `ignoreLibraries`): a framework\'s default error handler or a library\'s deprecation notice goes to the developer using it. A private package, or one with a `start` script, is an application and is checked.',
    ].join('\n\n'),
    whyItMatters: [
      'Checklist: "Structured logging: JSON format with correlation IDs". At 2 AM the page says "logs said \'error\' with no context": console output is a line of text with no level to filter on, no fields to search or aggregate (`orderId=42` is lost inside a sentence), and no request or trace id to follow one request across services.',
      'A structured logger (pino, winston, bunyan) writes one JSON object per event with a level, a timestamp and named fields; a child logger (`logger.child({ requestId })`) stamps every line of a request with its correlation id.',
    ].join('\n\n'),
    example: {
      path: 'src/orders.ts',
      code: [
        "export async function payOrder(order: { id: string; total: number }) {",
        "  console.log(`order ${order.id} paid: ${order.total}`);",
        "}",
        '',
      ].join('\n'),
    },
    useInstead: {
      path: 'src/orders.ts',
      code: [
        "import pino from 'pino';",
        '',
        'const logger = pino();',
        '',
        "export async function payOrder(order: { id: string; total: number }) {",
        "  logger.info({ orderId: order.id, orderTotal: order.total }, 'order paid');",
        "}",
        '',
      ].join('\n'),
    },
    fixSafety: [
      'The fix uses the logger the code already has, nearest first, and is then safe: (1) the request\'s own logger: `request.log` (or `req.log`) in a Fastify route or hook (a file importing fastify or fastify-plugin, or a parameter typed `FastifyRequest`), `req.log` in an Express-style handler `(req, res[, next])` or error handler when the file installs pino-http or express-pino-logger, `ctx.log` in a Koa middleware when it installs koa-pino-logger; (2) the framework\'s: `fastify.log` in a Fastify plugin (its first parameter, in a function handed to `fastify-plugin` or `register`, exported from a Fastify file, or typed `FastifyInstance`/`FastifyPluginAsync`), `app.log` of an instance made here with `Fastify({ logger: ... })` (without `logger` it writes nothing, so it is not used), `this.logger` in a class holding a NestJS `Logger` (`private readonly logger = new Logger(X.name)` or injected through the constructor), and NestJS\'s static `Logger.log(...)` where no instance holds one; (3) a logger bound in the module (a variable or parameter holding pino, winston or bunyan as `interpolated-log-message` defines it: created in this file, imported from a project module that exports one, a `.child(...)` of one, or typed with the library\'s `Logger`; the innermost one is used, so a request\'s child logger wins over the module logger, and `logger` wins over `log` at the same level); (4) the project\'s logger module: the module of the same package that exports a structured logger and that most other files import (none when two are imported as often), imported under its export\'s name (`import { logger } from \'../logger\'`, `require` in CommonJS, a `.js` extension when the file\'s own relative imports have one); safe inside a function, unsafe for a top-level call, which runs while the module graph loads. (5) in a NestJS application (its package.json depends on `@nestjs/common`), Nest\'s own `Logger`, imported (or added to the file\'s import from `@nestjs/common`) for its static methods. A fields object already passed to console (`console.error({ err }, \'failed\')`) keeps its properties.',
      'NestJS\'s Logger takes text, not fields: the level becomes `log`, `warn`, `error`, `debug` or `verbose` (for `trace`), one argument is kept as written and several become one template literal; no fix is offered when a value is an Error (Nest wants its stack as a separate string), a bare identifier or call (it could print as `[object Object]`), or a fields object.',
      'The level follows the method: `log` and `info` -> `info`, `warn` -> `warn`, `error` -> `error`, `debug` -> `debug`, `trace` -> `trace` (winston has no `trace` level by default: `debug`). Each value becomes a field named after it (`order.id` -> `orderId`; a number only when nothing better exists), the constant text becomes the message, `%s`-style format strings are read the way Node reads them.',
      'Argument order follows the logger: pino and bunyan take the fields first (`logger.info({ orderId }, \'order paid\')`), winston takes the message first (`logger.info(\'order paid\', { orderId })`). An Error value goes in `err` for pino and bunyan (their error serializer\'s field; bunyan serializes it only when `serializers: bunyan.stdSerializers` is set, which its README recommends) and in `error` for winston (winston\'s `format.errors()` only handles a top-level error; add a format that serializes nested errors if you use JSON output).',
      'Debug and trace lines now obey the logger\'s level, which is the point of the change. When no logger can be found and the package\'s package.json lists pino (or no package.json is known), the fix adds `import pino from \'pino\'` (or `require` in CommonJS) and a module-level `const logger = pino()` after the imports: a new logger for the module, so it is unsafe and never applied by fix-all. When package.json is known and does not list pino, no fix is offered: adding a dependency (its install, its lock file, the choice of a logging library) is a decision for a person, not a fix to merge as is. A console method handed to `.catch(...)` becomes `(err) => logger.error({ err })` (pino and bunyan; none for winston, where the message would have to be invented); handed to anything else, what it receives is unknown and no fix is offered. No fix is offered when the arguments hold a spread or a comment, when `logger` or `pino` is already taken by something else, or when there is nothing to log (`console.log()`, `console.log(\'\')`, a banner of `!!!!`).',
      'No fix is offered for `console[level](...)`: the logger method it should become is only known at run time (a rewrite such as `logger[level](...)` would need the two libraries\' level names to match).',
    ].join('\n\n'),
    references: [
      'https://getpino.io/#/docs/api?id=logging-method-parameters',
      'https://github.com/winstonjs/winston#logging',
      'https://github.com/trentm/node-bunyan#log-method-api',
      'https://www.npmjs.com/package/pino#usage',
    ],
  },

  check(ctx: RuleContext<ConsoleLogOptions>): RuleFinding[] {
    // Every console call names `console`: a file without the word is not walked.
    if (!ctx.doc.text.includes('console')) return [];
    const facts = factsFor(ctx);
    if (facts.consoleCalls.length === 0) return [];
    if ((ctx.options.ignoreLibraries ?? true) && ctx.workspace.packageKind(ctx.doc.path) === 'library') return [];
    if (jsSignals(ctx.doc).imports.some((m) => LOG_PIPELINE_IMPORT.test(m))) return [];
    const respect = ctx.options.respectEslintDisable ?? true;
    const written = respect ? facts.consoleCalls.filter(({ callee }) => !optedOutElsewhere(ctx.doc, 'console-log', callee.getStart(facts.sourceFile))) : facts.consoleCalls;
    // Debug-mode output (`if (this.debug) console.log(...)`): a developer's console aid, off in production.
    const calls = written.filter(({ callee }) => !jsDebugOnly(callee));
    return calls.map(({ callee, method, callback, computed }) => {
      // As written: `console.log`, `console['log']`, `console[level]`.
      const name = isPropertyAccessExpression(callee) ? `console.${method}` : callee.getText(facts.sourceFile).replace(/\s+/g, '');
      const unknownLevel = computed ? ' The method is chosen at run time, so there is no automatic fix.' : '';
      return {
        start: callee.getStart(facts.sourceFile),
        end: callee.end,
        message: callback
          ? `${name} as a callback writes plain text with no level, fields or request id: use a structured logger (pino, winston, bunyan).${unknownLevel}`
          : `${name} writes plain text with no level, fields or request id: use a structured logger (pino, winston, bunyan).${unknownLevel}`,
      };
    });
  },

  fixes(finding, ctx): Fix[] {
    const facts = factsFor(ctx);
    const found = findCall(facts, finding);
    // `console[level](...)`: which logger method it maps to is only known at run time.
    if (!found || found.computed) return [];
    const { call, callee, method } = found;
    if (found.callback) return callbackFixes(ctx, facts, call, callee, method);
    const args = call.arguments;
    if (args.length === 0 || args.some(ts.isSpreadElement)) return [];
    if (hasComment(ctx.doc.text, args)) return [];
    const q = preferredQuote(facts);
    // `console.error({ err }, 'msg')`, written for a structured logger: its properties are the fields.
    const first = args[0];
    const preset = isObjectLiteralExpression(first) && args.length > 1 && first.properties.every((p) => isPropertyAssignment(p) || isShorthandPropertyAssignment(p))
      ? first.properties.map((p) => ({ key: (p as ts.PropertyAssignment | ts.ShorthandPropertyAssignment).name.getText(facts.sourceFile), value: '', raw: p.getText(facts.sourceFile) }))
      : [];
    const parts = consoleParts(preset.length > 0 ? args.slice(1) : args, facts);
    const calleeStart = callee.getStart(facts.sourceFile);
    const argsStart = args[0].getStart(facts.sourceFile);
    const argsEnd = args[args.length - 1].end;

    const target = loggerTargetAt(facts, call);
    const nestCall = (name: string): TextEdit[] | undefined => {
      // NestJS's Logger takes a message (and a context string): the text stays one message.
      if (preset.length > 0 || parts.some((p) => 'expr' in p && isErrorValue(p.expr))) return undefined;
      // In one text, a value that may be an object would print as `[object Object]`.
      if (args.length > 1 && parts.some((p) => 'expr' in p && !mayJoinAsText(p.expr))) return undefined;
      const single = args.length === 1 ? args[0] : undefined;
      const text = single ? single.getText(facts.sourceFile) : renderTemplate(parts, facts, q);
      return [
        { start: calleeStart, end: callee.end, newText: `${name}.${levelFor(method, 'nest')}` },
        { start: argsStart, end: argsEnd, newText: text },
      ];
    };
    if (target?.kind === 'nest') {
      const edits = nestCall(target.name);
      return edits ? [{ title: `Log with ${target.name}.${levelFor(method, 'nest')} (NestJS Logger) instead`, safe: true, edits }] : [];
    }
    // `console.log('')` or a banner of `!!!!`: there is nothing to log.
    const structured = structure(parts, target?.kind ?? 'pino', facts, new Set(preset.map((f) => f.key)));
    const probe = { message: structured.message, fields: [...preset, ...structured.fields] };
    if (!/[\p{L}\p{N}]/u.test(probe.message) && probe.fields.length === 0) return [];
    if (target) {
      const level = levelFor(method, target.kind);
      const text = renderArguments(probe, target.kind, q);
      return [
        {
          title: `Log with ${target.name}.${level} (${target.kind}) instead`,
          safe: true,
          edits: [
            { start: calleeStart, end: callee.end, newText: `${target.name}.${level}` },
            { start: argsStart, end: argsEnd, newText: text },
          ],
        },
      ];
    }
    // The project's own logger module, which other files import.
    const project = ctx.workspace.projectLogger?.(ctx.doc.path);
    const imported = project && importProjectLogger(ctx.doc, facts, call, project);
    if (project && imported) {
      const shaped = structure(parts, project.kind, facts, new Set(preset.map((f) => f.key)));
      const level = levelFor(method, project.kind);
      const text = renderArguments({ message: shaped.message, fields: [...preset, ...shaped.fields] }, project.kind, q);
      return [
        {
          title: `Import the project's logger and log with ${imported.name}.${level} (${project.kind})`,
          // A top-level call runs while the module graph loads: an import cycle would leave it undefined.
          safe: insideFunction(call),
          edits: [
            ...imported.edits,
            { start: calleeStart, end: callee.end, newText: `${imported.name}.${level}` },
            { start: argsStart, end: argsEnd, newText: text },
          ],
        },
      ];
    }
    // A NestJS application: its Logger is the project's logger (static methods need no instance).
    if (ctx.workspace.dependsOn?.(ctx.doc.path, '@nestjs/common')) {
      const nest = importNestLogger(ctx.doc, facts);
      const edits = nest && nestCall(nest.name);
      if (!nest || !edits) return [];
      return [{ title: `Log with NestJS's Logger.${levelFor(method, 'nest')} instead`, safe: true, edits: [...nest.edits, ...edits] }];
    }
    if (!mayAddPino(ctx)) return [];
    const added = addPinoLogger(ctx.doc, facts, call);
    if (!added) return [];
    const level = levelFor(method, 'pino');
    const text = renderArguments(probe, 'pino', q);
    return [
      {
        title: `Add a pino logger and log with logger.${level}`,
        safe: false,
        edits: [
          ...added.edits,
          { start: calleeStart, end: callee.end, newText: `${added.name}.${level}` },
          { start: argsStart, end: argsEnd, newText: text },
        ],
      },
    ];
  },
};

/**
 * `promise.catch(console.error)` -> `promise.catch((err) => logger.error({ err }))` with pino or
 * bunyan. Only `.catch(...)`: elsewhere what the callback receives is not known.
 */
function callbackFixes(ctx: RuleContext<ConsoleLogOptions>, facts: FileFacts, call: ts.CallExpression, ref: ts.PropertyAccessExpression | ts.ElementAccessExpression, method: string): Fix[] {
  const isCatch = isPropertyAccessExpression(call.expression) && call.expression.name.text === 'catch' && call.arguments[0] === ref;
  if (!isCatch) return [];
  const start = ref.getStart(facts.sourceFile);
  const target = loggerTargetAt(facts, call);
  if (target) {
    if (target.kind === 'winston' || target.kind === 'nest') return [];
    const level = levelFor(method, target.kind);
    return [
      {
        title: `Log with ${target.name}.${level} (${target.kind}) instead`,
        safe: true,
        edits: [{ start, end: ref.end, newText: `(err) => ${target.name}.${level}({ err })` }],
      },
    ];
  }
  if (!mayAddPino(ctx)) return [];
  const added = addPinoLogger(ctx.doc, facts, call);
  if (!added) return [];
  const level = levelFor(method, 'pino');
  return [
    {
      title: `Add a pino logger and log with logger.${level}`,
      safe: false,
      edits: [...added.edits, { start, end: ref.end, newText: `(err) => ${added.name}.${level}({ err })` }],
    },
  ];
}
