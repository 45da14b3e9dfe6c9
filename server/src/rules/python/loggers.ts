// Which Python expressions are loggers, as data: one row per logging library, citing how its
// loggers are made. Shared by print-call (the module's logger a fix can use) and
// interpolated-log-message (which calls are log calls).

import type { PyNode } from '../../engine/python';
import { calleeMethod, calleeOf, qualifiedName, unparen, valueOf, type ModuleFacts } from './module-facts';

export type LoggerKind = 'logging' | 'structlog' | 'loguru';

interface LoggerLibrary {
  kind: LoggerKind;
  /** Qualified names that are a logger themselves (`logging` module functions, loguru's `logger`). */
  objects: readonly string[];
  /** Qualified calls that return a logger. */
  factories: readonly string[];
  /** Methods of a logger that return a logger of the same kind. */
  derive: readonly string[];
  /** Logging methods whose first argument is the message. */
  methods: readonly string[];
}

export const LOGGER_LIBRARIES: readonly LoggerLibrary[] = [
  {
    // Python docs, logging: `logging.getLogger(name)`, and the module-level `logging.info(...)` on the root logger.
    kind: 'logging',
    objects: ['logging'],
    factories: ['logging.getLogger', 'logging.getLoggerClass'],
    derive: ['getChild'],
    methods: ['debug', 'info', 'warning', 'warn', 'error', 'exception', 'critical', 'fatal'],
  },
  {
    // structlog docs, "Getting started": `structlog.get_logger()`, `log.bind(key=value)`.
    kind: 'structlog',
    objects: [],
    factories: ['structlog.get_logger', 'structlog.getLogger', 'structlog.stdlib.get_logger', 'structlog.wrap_logger'],
    derive: ['bind', 'new', 'unbind', 'try_unbind'],
    methods: ['debug', 'info', 'warning', 'warn', 'error', 'exception', 'critical', 'fatal', 'msg', 'adebug', 'ainfo', 'awarning', 'aerror', 'aexception', 'acritical'],
  },
  {
    // loguru README: `from loguru import logger`, `logger.bind(key=value)`, `logger.opt(...)`.
    kind: 'loguru',
    objects: ['loguru.logger'],
    factories: [],
    derive: ['bind', 'opt', 'patch', 'contextualize'],
    methods: ['trace', 'debug', 'info', 'success', 'warning', 'error', 'exception', 'critical'],
  },
];

/**
 * Objects whose `.logger` attribute is a stdlib logger: a Flask/Quart app (Flask docs, "Logging":
 * `app.logger` is a standard `logging.Logger`), and Flask's `current_app` proxy.
 */
const LOGGER_ATTRIBUTE_OWNERS = { factories: ['flask.Flask', 'quart.Quart'], objects: ['flask.current_app', 'quart.current_app'] };

/** The logging library an expression is a logger of, when the module makes it plain. */
export function loggerKind(facts: ModuleFacts, expr: PyNode | null | undefined, depth = 0): LoggerKind | undefined {
  if (!expr || depth > 4) return undefined;
  const e = unparen(expr);
  if (e.type === 'attribute' && e.childForFieldName('attribute')?.text === 'logger' && ownsStdlibLogger(facts, e.childForFieldName('object'))) return 'logging';
  const name = qualifiedName(facts, e);
  if (name) return LOGGER_LIBRARIES.find((l) => l.objects.includes(name))?.kind;
  if (e.type === 'identifier' || e.type === 'attribute') {
    const value = valueOf(facts, e);
    return value ? loggerKind(facts, value, depth + 1) : undefined;
  }
  if (e.type === 'call') {
    const callee = e.childForFieldName('function');
    const factory = qualifiedName(facts, callee);
    if (factory) return LOGGER_LIBRARIES.find((l) => l.factories.includes(factory))?.kind;
    if (callee?.type === 'attribute') {
      const method = callee.childForFieldName('attribute')?.text ?? '';
      const kind = loggerKind(facts, callee.childForFieldName('object'), depth + 1);
      if (kind && LOGGER_LIBRARIES.find((l) => l.kind === kind)!.derive.includes(method)) return kind;
    }
  }
  return undefined;
}

function ownsStdlibLogger(facts: ModuleFacts, owner: PyNode | null): boolean {
  if (!owner) return false;
  let o = unparen(owner);
  const name = qualifiedName(facts, o);
  if (name) return LOGGER_ATTRIBUTE_OWNERS.objects.includes(name);
  if (o.type === 'identifier' || o.type === 'attribute') {
    const value = valueOf(facts, o);
    if (!value) return false;
    o = unparen(value);
  }
  if (o.type !== 'call') return false;
  const factory = qualifiedName(facts, o.childForFieldName('function'));
  return factory !== undefined && LOGGER_ATTRIBUTE_OWNERS.factories.includes(factory);
}

export interface LogCall {
  call: PyNode;
  kind: LoggerKind;
  method: string;
}

/** Every logging call of the module: `<logger>.<method>(...)` with a logging method of its library. */
export function logCalls(facts: ModuleFacts): LogCall[] {
  const out: LogCall[] = [];
  for (const call of facts.calls) {
    const method = calleeMethod(facts, call);
    if (method === undefined || !LOGGER_LIBRARIES.some((l) => l.methods.includes(method))) continue;
    const kind = loggerKind(facts, calleeOf(facts, call)!.childForFieldName('object'));
    if (kind && LOGGER_LIBRARIES.find((l) => l.kind === kind)!.methods.includes(method)) out.push({ call, kind, method });
  }
  return out;
}

/** The module's own logger: a module-level name bound to a logger (`logger = logging.getLogger(__name__)`), or loguru's imported `logger`. */
export function moduleLogger(facts: ModuleFacts): { name: string; kind: LoggerKind } | undefined {
  for (const [local, qualified] of facts.imports) {
    if (qualified === 'loguru.logger') return { name: local, kind: 'loguru' };
  }
  for (const [key, values] of facts.assignments) {
    if (!key.startsWith('module:') || values.length !== 1) continue;
    const value = unparen(values[0]);
    if (value.type !== 'call') continue;
    const kind = loggerKind(facts, value);
    if (kind) return { name: key.slice('module:'.length), kind };
  }
  return undefined;
}
