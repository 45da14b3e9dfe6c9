import { ts } from '../../engine/ts';
import type { Fix, Rule, RuleFinding, TextEdit } from '../../engine/types';
import { factsFor, perFile, unwrap, type FileFacts, type LoggerCall } from './file-facts';
import { preferredQuote } from './logger-edits';
import { frameworkLoggerKind } from './logger-targets';
import { checkPython, fixesPython } from './python-log-message';
import { hasComment, interpolation, isCaughtError, partsOf, quote, renderArguments, renderField, renderFields, structure, type Structured } from './structured-call';

// TypeScript's namespace serves every member through a getter (engine/ts.ts): read
// the ones the walks use once, not on every node.
const { isBinaryExpression, isConditionalExpression, isIdentifier, isPropertyAccessExpression, isSpreadAssignment, isObjectLiteralExpression, isPropertyAssignment, isShorthandPropertyAssignment, isSpreadElement, isStringLiteral, isStringLiteralLike, isTemplateExpression } = ts;

interface MessageSite {
  lc: LoggerCall;
  /** Index of the message among the call's arguments. */
  index: number;
  how: 'template literal' | 'concatenation' | 'util.format';
}

/**
 * Where the message is. pino and bunyan: `(msg, ...)` or `(fields | err, msg, ...)`; winston:
 * `(msg, meta?)` or `log(level, msg, meta?)`.
 */
function messageSite(lc: LoggerCall, facts: FileFacts): MessageSite | undefined {
  const args = lc.call.arguments;
  const at = (index: number): MessageSite | undefined => {
    const arg = args[index];
    if (!arg || isSpreadElement(arg)) return undefined;
    const how = interpolation(arg, facts);
    return how ? { lc, index, how } : undefined;
  };
  if (lc.kind === 'winston') {
    if (lc.method === 'log') return args.length >= 2 && isStringLiteralLike(args[0]) ? at(1) : undefined;
    return at(0);
  }
  return at(0) ?? (args.length >= 2 && !isSpreadElement(args[0]) ? at(1) : undefined);
}

/** The file's message sites by where their message argument is (the first site, where two share it). */
const sitesAt = perFile((facts: FileFacts) => {
  const at = new Map<string, MessageSite>();
  for (const s of sites(facts)) {
    const arg = s.lc.call.arguments[s.index];
    const key = `${arg.getStart(facts.sourceFile)}:${arg.end}`;
    if (!at.has(key)) at.set(key, s);
  }
  return at;
});

const sites = perFile((facts: FileFacts): readonly MessageSite[] => {
  const out: MessageSite[] = [];
  for (const lc of facts.loggerCalls) {
    const site = messageSite(lc, facts);
    if (site && !valuesAlsoInFields(site, facts)) out.push(site);
  }
  // `request.log.info(...)`, `fastify.log.warn(...)`: pino loggers that the framework hands over.
  for (const { call, callee } of facts.dotLogCalls) {
    if (!call.arguments.some((a) => interpolation(a, facts))) continue;
    const kind = frameworkLoggerKind(callee.expression, facts);
    const site = kind && messageSite({ call, callee, kind, method: callee.name.text }, facts);
    if (site && !valuesAlsoInFields(site, facts)) out.push(site);
  }
  return out.sort((a, b) => a.lc.call.pos - b.lc.call.pos);
});

/**
 * Every value the message interpolates is also a field of the same call
 * (`logger.info(\`port ${port}\`, { port })`): nothing is lost inside the string.
 */
function valuesAlsoInFields(site: MessageSite, facts: FileFacts): boolean {
  const sf = facts.sourceFile;
  const textOf = (e: ts.Node): string => e.getText(sf).replace(/\s+/g, '');
  const values: ts.Expression[] = [];
  const collect = (node: ts.Expression): void => {
    const e = unwrap(node);
    if (isTemplateExpression(e)) for (const span of e.templateSpans) collect(span.expression);
    else if (isBinaryExpression(e) && e.operatorToken.kind === ts.SyntaxKind.PlusToken) {
      collect(e.left);
      collect(e.right);
    } else if (isConditionalExpression(e)) {
      // `${id ? ` for ${id}` : ''}`: what either branch shows.
      collect(e.whenTrue);
      collect(e.whenFalse);
    } else if (isBinaryExpression(e) && (e.operatorToken.kind === ts.SyntaxKind.QuestionQuestionToken || e.operatorToken.kind === ts.SyntaxKind.BarBarToken) && isLiteralLike(unwrap(e.right))) {
      // `${count ?? 0}`: the value, with a constant stand-in.
      collect(e.left);
    } else if (!isStringLiteralLike(e)) values.push(e);
  };
  const args = site.lc.call.arguments;
  if (site.how === 'util.format') return false;
  collect(args[site.index]);
  if (values.length === 0) return false;
  // The fields: each object literal argument's entries, and those of an object a `const` of the file
  // holds when it is passed or spread (`log.info(eventCtx, ...)`, `{ err, ...eventCtx }`).
  const texts = new Set<string>();
  const names = new Set<string>();
  const seen = new Set<ts.Node>();
  const addObject = (node: ts.Expression | undefined): void => {
    const e = node && unwrap(node);
    if (!e || seen.has(e)) return;
    seen.add(e);
    if (isIdentifier(e)) return addObject(constObject(e.text, sf));
    if (!isObjectLiteralExpression(e)) return;
    for (const p of e.properties) {
      if (isPropertyAssignment(p)) {
        texts.add(textOf(unwrap(p.initializer)));
        if (isIdentifier(p.name) || isStringLiteralLike(p.name)) names.add(p.name.text);
      } else if (isShorthandPropertyAssignment(p)) {
        texts.add(p.name.text);
        names.add(p.name.text);
      } else if (isSpreadAssignment(p)) addObject(p.expression);
    }
  };
  args.forEach((arg, i) => {
    if (i !== site.index) addObject(arg);
  });
  return values.every((v) => {
    const e = unwrap(v);
    if (texts.has(textOf(e))) return true;
    // The field named like the value: `${metadata.organizationId}` beside `organizationId: ...`.
    const own = isIdentifier(e) ? e.text : isPropertyAccessExpression(e) ? e.name.text : undefined;
    return own !== undefined && names.has(own);
  });
}

/** The object literal a `const NAME = { ... }` of the file holds, when exactly one such declaration exists. */
function constObject(name: string, sf: ts.SourceFile): ts.Expression | undefined {
  const found: ts.Expression[] = [];
  const visit = (node: ts.Node): void => {
    if (found.length > 1) return;
    if (ts.isVariableDeclaration(node) && isIdentifier(node.name) && node.name.text === name && node.initializer && ts.isVariableDeclarationList(node.parent) && (node.parent.flags & ts.NodeFlags.Const) !== 0) {
      const init = unwrap(node.initializer);
      if (isObjectLiteralExpression(init)) found.push(init);
      else found.push(init, init); // bound to something else: not known
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return found.length === 1 ? found[0] : undefined;
}

const isLiteralLike = (e: ts.Expression): boolean =>
  isStringLiteralLike(e) || ts.isNumericLiteral(e) || e.kind === ts.SyntaxKind.TrueKeyword || e.kind === ts.SyntaxKind.FalseKeyword || e.kind === ts.SyntaxKind.NullKeyword;

function isErrorLike(expr: ts.Expression): boolean {
  const e = unwrap(expr);
  return isIdentifier(e) && isCaughtError(e);
}

/** Adds fields to an object literal, on their own lines when its properties are. */
function mergeInto(obj: ts.ObjectLiteralExpression, fields: Structured['fields'], text: string, eol: string, sf: ts.SourceFile): TextEdit {
  if (obj.properties.length === 0) return { start: obj.getStart(sf), end: obj.end, newText: renderFields(fields) };
  const last = obj.properties[obj.properties.length - 1];
  const lastStart = last.getStart(sf);
  const multiline = text.slice(obj.getStart(sf), lastStart).includes('\n');
  if (multiline) {
    const lineStart = text.lastIndexOf('\n', lastStart) + 1;
    const indent = text.slice(lineStart, lastStart);
    return { start: last.end, end: last.end, newText: fields.map((f) => `,${eol}${indent}${renderField(f)}`).join('') };
  }
  return { start: last.end, end: last.end, newText: fields.map((f) => `, ${renderField(f)}`).join('') };
}

function propertyNames(obj: ts.ObjectLiteralExpression): Set<string> {
  const names = new Set<string>();
  for (const p of obj.properties) {
    const name = p.name;
    if (name && (isIdentifier(name) || isStringLiteral(name))) names.add(name.text);
  }
  return names;
}

export const interpolatedLogMessage: Rule = {
  id: 'interpolated-log-message',
  family: 'logging',
  kinds: ['js', 'python'],
  roles: ['service'],
  defaultSeverity: 'warning',
  fix: 'safe',
  summary: "A structured logger's message is built from values, which are then lost inside the string.",
  docs: {
    whatItDoes: [
      'Flags a call on a structured logger whose message is built by a template literal with `${...}`, a `+` concatenation of strings and values, or `util.format(...)`. A message whose every interpolated value is also a field of the same call loses nothing and is not flagged (decision, stop 17): the same expression or a field named like it (an identifier\'s name, a property\'s last name: `${metadata.organizationId}` beside `organizationId: ...`), in an object literal argument, in a `const` object of the file passed or spread into one (`logger.info(eventCtx, ...)`, `{ err, ...eventCtx }`), through a conditional (`${id ? \` for ${id}\` : \'\'}`) or a constant fallback (`${count ?? 0}`): `logger.info(\`listening on ${port}\`, { port })`. Python the same way: f-string values that are also keyword fields (structlog `log.info(f"[{index}] created", index=index)`, loguru) or entries of a stdlib `extra=` dictionary.',
      'A structured logger is one the file makes plain: created in it with pino (`pino()`, `require(\'pino\')()`), winston (`winston.createLogger()`, or winston\'s default logger `winston.info(...)`) or bunyan (`bunyan.createLogger()`, `new Logger()`), an alias of one, a `.child(...)` of one, a variable or parameter typed with the library\'s logger type (`logger: Logger` with `Logger` imported from pino or winston, `pino.Logger`, bunyan\'s class), or a class member `this.logger` that the file\'s classes only ever declare or assign as one of those. The loggers a framework hands over count too (pino): `request.log` in a Fastify route or hook, `fastify.log` in a Fastify plugin, `app.log` of `Fastify({ logger: ... })`, `req.log` in an Express handler when the file installs pino-http, `ctx.log` under koa-pino-logger (see `console-log`).',
      'A logger can also come from a module of the project: `import { logger } from \'./logger\'`, `import log from \'./log\'`, `const log = require(\'./log\')` or `const { log } = require(\'./logging\')`, when that module makes it plain in the same way (`export const logger = pino()`, `export default logger`, `export { logger as log }`, `module.exports = winston.createLogger()`, `module.exports = { log }`, `exports.log = ...`). The workspace index reads those modules, including ones nobody opened, and the editor checks the importers again when one of them changes. A logger re-exported from a third module, a factory call (`getLogger(\'orders\')`), an untyped parameter, or a name declared more than once in the file with different meanings is unknown and not checked: precision first. The finding sits on the message argument.',
      '**Python**: a call on a stdlib `logging` logger (`logging.getLogger(...)`, the `logging` module\'s own `logging.info(...)`, a Flask app\'s `app.logger` and `current_app.logger`), a structlog logger (`structlog.get_logger()`, `.bind(...)`) or loguru\'s `logger` whose message is an f-string, `%` formatting (`"x %s" % x`), `"...".format(...)` or a `+` of a string and a value. Lazy arguments (`logger.info("order %s paid", order_id)`) are fine: the message stays constant. `# noqa: G004` (and G001-G003, Ruff / flake8-logging-format) on the line counts as the author\'s choice.',
    ].join('\n\n'),
    whyItMatters: [
      'Checklist: "Structured logging: JSON format with correlation IDs". A structured logger only helps when the values are fields: `{"orderId":"42","msg":"order paid"}` can be searched (`orderId:42`), grouped and alerted on, and every "order paid" event has the same message. `"msg":"order 42 paid"` is a new string for every order: the value cannot be queried, dashboards cannot count the event, and a correlation id in the text is invisible to the log backend.',
      'pino: `logger.info({ orderId: order.id }, \'order paid\')` (fields first). bunyan: `log.info({ orderId: order.id }, \'order paid\')` (fields first). winston: `logger.info(\'order paid\', { orderId: order.id })` (message first). With a child logger per request (`const log = logger.child({ requestId })`) each line also carries the request\'s correlation id.',
    ].join('\n\n'),
    example: {
      path: 'src/orders.ts',
      code: [
        "import pino from 'pino';",
        '',
        'const logger = pino();',
        '',
        'export function paid(order: { id: string }) {',
        '  logger.info(`order ${order.id} paid`);',
        '}',
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
        'export function paid(order: { id: string }) {',
        "  logger.info({ orderId: order.id }, 'order paid');",
        '}',
        '',
      ].join('\n'),
    },
    moreExamples: [
      {
        example: {
          path: 'app/orders.py',
          code: ['import logging', '', 'logger = logging.getLogger(__name__)', '', '', 'def paid(order):', '    logger.info(f"order {order.id} paid")', ''].join('\n'),
        },
        useInstead: {
          path: 'app/orders.py',
          code: ['import logging', '', 'logger = logging.getLogger(__name__)', '', '', 'def paid(order):', '    logger.info("order %s paid", order.id)', ''].join('\n'),
        },
      },
    ],
    fixSafety: [
      'Safe: the log line keeps every value, as a field named after it: an identifier keeps its name, a property its last name (`card.last4` -> `last4`, `req.body.customerId` -> `customerId`), with its owner\'s name only when the property says nothing alone (`order.id` -> `orderId`, `job.name` -> `jobName`; not under a generic container: `req.params.id` -> `id`), `process.env.PORT` -> `port`, a constant `PORT` -> `port: PORT`; a name made up here is snake_case when the file\'s own object keys mostly are (`order_id`); `JSON.stringify(x)` and `util.inspect(x)` are logged as `x` itself, which the logger serializes (a `JSON.stringify` with a replacer stays as written); a unit glued to the value moves into the name (`${elapsed}ms` -> `elapsedMs`); a value with no name of its own takes the word in front of it (`cache ${hit ? \'hit\' : \'miss\'}` -> `cache`), and only then a number (`value1`). The constant text becomes the message, without the quotes, brackets, `=`, `:` and prepositions that only framed a value (`connected to ${host}` -> `connected`), and a phrase that only named the value that is now a field (`Starting gRPC server on port ${port}` -> `Starting gRPC server` with `{ port }`). Fields are added to an existing fields object (pino/bunyan: the first argument; winston: the meta argument) when it is an object literal, renamed with a number if a name is taken; an Error passed first to pino or bunyan (`logger.error(err, ...)`) moves into `err`, where pino and bunyan put it anyway.',
      'An Error value goes in `err` for pino and bunyan and `error` for winston. Names that would clobber a logger\'s own keys (`msg`, `level`, `time`, bunyan\'s `name`, winston\'s `message`) get a `Value` suffix.',
      'No fix is offered when the existing fields argument is not an object literal (a variable could be anything), when more arguments follow the message (printf-style arguments), or when a comment sits inside the arguments.',
      'Python (f-strings only): stdlib logging gets lazy `%s` arguments (`logger.info("order %s paid", order.id)`, literal `%` doubled); structlog keyword fields (`log.info("order shipped", order_id=order_id)`); loguru `logger.bind(order_id=order_id).info("order shipped")`. Field names come from the values (`order.id` -> `order_id`); no fix when a value is not a name or an attribute (structlog, loguru), when the f-string has a conversion or format spec (`{x!r}`, `{x:>3}`), is triple-quoted, or when other arguments follow. `%`, `.format()` and `+` messages are reported without a fix.',
    ].join('\n\n'),
    references: [
      'https://getpino.io/#/docs/api?id=logging-method-parameters',
      'https://getpino.io/#/docs/child-loggers',
      'https://github.com/winstonjs/winston#logging',
      'https://github.com/trentm/node-bunyan#log-method-api',
      'https://docs.python.org/3/howto/logging.html#optimization',
      'https://www.structlog.org/en/stable/getting-started.html',
      'https://loguru.readthedocs.io/en/stable/overview.html#structured-logging-as-needed',
      'https://docs.astral.sh/ruff/rules/logging-f-string/',
    ],
  },

  check(ctx): RuleFinding[] {
    if (ctx.doc.kind === 'python') return checkPython(ctx);
    const facts = factsFor(ctx);
    return sites(facts).map((site) => {
      const arg = site.lc.call.arguments[site.index];
      return {
        start: arg.getStart(facts.sourceFile),
        end: arg.end,
        message: `The ${site.lc.kind} message is built by ${site.how}: its values are lost inside the string. Put them in fields and keep the message constant.`,
      };
    });
  },

  fixes(finding, ctx): Fix[] {
    if (ctx.doc.kind === 'python') return fixesPython(finding, ctx);
    const facts = factsFor(ctx);
    const sf = facts.sourceFile;
    const site = sitesAt(facts).get(`${finding.start}:${finding.end}`);
    if (!site) return [];
    const { lc, index } = site;
    const args = lc.call.arguments;
    const message = args[index];
    if (hasComment(ctx.doc.text, args)) return [];
    const q = preferredQuote(facts);
    const text = ctx.doc.text;
    const eol = ctx.doc.lines.eol;
    const parts = partsOf(message, facts);
    const messageStart = message.getStart(sf);
    const title = 'Move the values into fields and keep the message constant';

    if (lc.kind === 'winston') {
      if (args.length > index + 2) return [];
      const meta = args[index + 1];
      if (meta === undefined) {
        const s = structure(parts, 'winston', facts);
        return [{ title, safe: true, edits: [{ start: messageStart, end: message.end, newText: renderArguments(s, 'winston', q) }] }];
      }
      const metaObj = unwrap(meta);
      if (!isObjectLiteralExpression(metaObj)) return [];
      const s = structure(parts, 'winston', facts, propertyNames(metaObj));
      const edits: TextEdit[] = [{ start: messageStart, end: message.end, newText: quote(s.message || s.fields.map((f) => f.key).join(' '), q) }];
      if (s.fields.length > 0) edits.push(mergeInto(metaObj, s.fields, text, eol, sf));
      return [{ title, safe: true, edits }];
    }

    // pino, bunyan
    if (args.length > index + 1) return [];
    if (index === 0) {
      const s = structure(parts, lc.kind, facts);
      return [{ title, safe: true, edits: [{ start: messageStart, end: message.end, newText: renderArguments(s, lc.kind, q) }] }];
    }
    const first = unwrap(args[0]);
    if (isObjectLiteralExpression(first)) {
      const s = structure(parts, lc.kind, facts, propertyNames(first));
      const edits: TextEdit[] = [];
      if (s.fields.length > 0) edits.push(mergeInto(first, s.fields, text, eol, sf));
      if (s.message) edits.push({ start: messageStart, end: message.end, newText: quote(s.message, q) });
      else edits.push({ start: args[0].end, end: message.end, newText: '' });
      return [{ title, safe: true, edits }];
    }
    if (isErrorLike(first)) {
      // `logger.error(err, msg)`: pino and bunyan log it under `err`; keep it there.
      const errText = args[0].getText(sf);
      const s = structure(parts, lc.kind, facts, new Set(['err']));
      const fields = [{ key: 'err', value: errText }, ...s.fields];
      return [
        {
          title,
          safe: true,
          edits: [{ start: args[0].getStart(sf), end: message.end, newText: renderArguments({ message: s.message, fields }, lc.kind, q) }],
        },
      ];
    }
    return [];
  },
};
