// Python loops that run until the process is killed: consumer loops (`while True:` around a queue
// poll, a blocking `start_consuming()`, `for message in consumer:`), asyncio programs whose main
// coroutine never returns (`asyncio.run(main())` with a forever loop, `loop.run_forever()`), read
// from the module's tree. Only loops the module's own entry point runs (module-level code,
// `if __name__ == "__main__":` and the functions they reach) are loops of this process; a loop in
// a function nobody here calls may run under a worker or a server that handles SIGTERM for it.
// The library knowledge is data: one row per client, each citing why it does not stop on SIGTERM.

import type { PyNode } from '../../engine/python';
import { calleeMethod, calleeOf, callArguments, nodesOfType, qualifiedName, unparen, valueOf, type ModuleFacts } from '../python/module-facts';

/** A client method that receives messages. */
interface ConsumerRow {
  label: string;
  /** How the receiver is made (see `provenance`): `kafka.KafkaConsumer`, `boto3.client:sqs`. */
  made: readonly string[];
  /**
   * `polls`: one receive that returns, so it only runs forever inside `while True:`;
   * `blocks`: the call itself consumes until something stops it;
   * `iterates`: `for message in <it>:` never ends (the method is empty: the object is iterated).
   */
  shape: 'polls' | 'blocks' | 'iterates';
  methods: readonly string[];
  /** The method that makes a blocking consumer return. */
  stop?: string;
  /** A constructor keyword that makes the iteration end by itself. */
  endsWith?: string;
}

export const CONSUMERS: readonly ConsumerRow[] = [
  // kafka-python docs, KafkaConsumer: iterating blocks for messages; `consumer_timeout_ms` (default
  // forever) ends the iteration. No signal handling.
  { label: 'a kafka-python consumer', made: ['kafka.KafkaConsumer', 'kafka.consumer.KafkaConsumer'], shape: 'iterates', methods: [], endsWith: 'consumer_timeout_ms' },
  { label: 'a kafka-python consumer', made: ['kafka.KafkaConsumer', 'kafka.consumer.KafkaConsumer'], shape: 'polls', methods: ['poll'] },
  // confluent-kafka docs, Consumer.poll / consume: return after `timeout`; the client installs no signal handler.
  { label: 'a confluent-kafka consumer', made: ['confluent_kafka.Consumer', 'confluent_kafka.DeserializingConsumer'], shape: 'polls', methods: ['poll', 'consume'] },
  // aiokafka docs, AIOKafkaConsumer: `async for msg in consumer` runs until `stop()`.
  { label: 'an aiokafka consumer', made: ['aiokafka.AIOKafkaConsumer'], shape: 'iterates', methods: [] },
  { label: 'an aiokafka consumer', made: ['aiokafka.AIOKafkaConsumer'], shape: 'polls', methods: ['getone', 'getmany'] },
  // pika docs, BlockingChannel.start_consuming: "Processes I/O events and dispatches timers and
  // basic_consume callbacks until all consumers are cancelled" (stop_consuming).
  { label: 'a pika channel', made: ['pika.BlockingConnection().channel'], shape: 'blocks', methods: ['start_consuming'], stop: 'stop_consuming' },
  // aio-pika docs, Queue.iterator: `async for message in queue_iter` until the iterator is closed.
  {
    label: 'an aio-pika queue',
    made: ['aio_pika.connect', 'aio_pika.connect_robust'].map((c) => `${c}().channel().declare_queue().iterator`),
    shape: 'iterates',
    methods: [],
  },
  // redis-py docs: BLPOP/BRPOP/BLMOVE/XREAD(block=) block for the next item; no signal handling.
  {
    label: 'a Redis list or stream',
    made: ['redis.Redis', 'redis.StrictRedis', 'redis.from_url', 'redis.Redis.from_url', 'redis.client.Redis', 'redis.asyncio.Redis', 'redis.asyncio.from_url', 'redis.asyncio.Redis.from_url'],
    shape: 'polls',
    methods: ['blpop', 'brpop', 'brpoplpush', 'blmove', 'bzpopmin', 'bzpopmax', 'xread', 'xreadgroup'],
  },
  // boto3 docs, SQS.Client.receive_message: one long poll (WaitTimeSeconds, at most 20 s) per call.
  {
    label: 'an SQS queue',
    made: ['boto3.client:sqs', 'boto3.Session().client:sqs', 'boto3.session.Session().client:sqs', 'aioboto3.Session().client:sqs'],
    shape: 'polls',
    methods: ['receive_message'],
  },
  {
    label: 'an SQS queue',
    made: ['boto3.resource:sqs', 'boto3.Session().resource:sqs'].flatMap((r) => [`${r}().Queue`, `${r}().get_queue_by_name`]),
    shape: 'polls',
    methods: ['receive_messages'],
  },
];

/** Event loops that run until `stop()`: Python docs, asyncio "Running and stopping the loop". */
const EVENT_LOOPS = ['asyncio.get_event_loop', 'asyncio.new_event_loop', 'asyncio.get_running_loop', 'uvloop.new_event_loop'];

/**
 * What runs a module's loops and handles SIGTERM for them: a module that imports one of these is
 * run by it (or hands it its loop), so its loops are not this rule's.
 */
export const SIGNAL_HANDLING_RUNNERS: ReadonlyArray<{ module: string; source: string }> = [
  { module: 'celery', source: 'Celery docs, Workers Guide, "Stopping the worker": TERM is a warm shutdown that waits for the tasks in progress' },
  { module: 'rq', source: 'RQ docs, Workers, "Taking down workers": SIGTERM/SIGINT finish the current job, then stop' },
  { module: 'dramatiq', source: 'dramatiq docs, "Signals": SIGTERM and SIGINT shut the worker down gracefully' },
  { module: 'arq', source: 'arq docs, Worker `handle_signals` (default True): SIGINT and SIGTERM stop the worker after its jobs' },
  { module: 'faust', source: 'faust docs, Worker: installs SIGTERM/SIGINT handlers that stop the app' },
  { module: 'aiorun', source: 'aiorun docs, `run()`: handles SIGINT and SIGTERM by cancelling tasks and stopping the loop' },
  { module: 'twisted', source: 'Twisted docs, `reactor.run(installSignalHandlers=True)`: SIGTERM stops the reactor' },
  { module: 'uvicorn', source: 'uvicorn docs, Server.install_signal_handlers: SIGTERM is a graceful shutdown' },
  { module: 'gunicorn', source: 'gunicorn docs, Signal handling: TERM is a graceful shutdown' },
  { module: 'hypercorn', source: 'hypercorn docs, serve(shutdown_trigger): SIGTERM triggers the graceful shutdown' },
];

export type LoopKind = 'poll-loop' | 'blocks' | 'iterates' | 'async-loop' | 'async-forever' | 'run-forever';

export interface LoopSite {
  kind: LoopKind;
  /** Where the finding goes. */
  start: number;
  end: number;
  label: string;
  /** The statement the fix edits (the `while`, the blocking call's statement, the `await` statement). */
  statement: PyNode;
  /** The receiver the fix stops (`channel`, `loop`), when it is a plain name. */
  receiver?: string;
  /** Whether this code runs in the main thread, called (not handed to a thread) from the entry point. */
  mainThread: boolean;
  /** Whether it runs inside a coroutine. */
  async: boolean;
  /** The `asyncio.run(...)` call that runs it, for the message. */
  runner?: PyNode;
  /** The `while` condition, the `await` expression, the method that stops a blocking consumer. */
  condition?: PyNode;
  awaited?: PyNode;
  stop?: string;
}

const DEFS = new Set(['function_definition', 'class_definition']);

/** Tree-sitter hands out a new object for a node each time: compare by id. */
function same(a: PyNode | null | undefined, b: PyNode | null | undefined): boolean {
  return !!a && !!b && a.id === b.id;
}

/** A cheap look at the text before reading the tree: none of the loops can be there without these words. */
const MAY_LOOP = /\bwhile\s+(?:True|1)\s*:|\bstart_consuming\b|\brun_forever\b|\bfor\s+\w+\s+in\b|\basyncio\b/;

export function loopSites(facts: ModuleFacts, text: string, reachOf: () => Reach): LoopSite[] {
  if (!MAY_LOOP.test(text)) return [];
  const reach = reachOf();
  const sites: LoopSite[] = [];
  const seen = new Set<number>();
  const add = (site: LoopSite) => {
    if (seen.has(site.start)) return;
    seen.add(site.start);
    sites.push(site);
  };

  // Coroutines that asyncio.run / run_until_complete run, by their top-level function node id.
  const asyncRun = new Map<number, PyNode>();
  for (const call of facts.calls) {
    const callee = calleeOf(facts, call);
    const name = qualifiedName(facts, callee);
    const runs = name === 'asyncio.run' || calleeMethod(facts, call) === 'run_until_complete';
    if (!runs || !reach.reached(call)) continue;
    const arg = callArguments(call).positional[0];
    const inner = arg && unparen(arg);
    const fnName = inner?.type === 'call' ? inner.childForFieldName('function') : undefined;
    const fn = fnName?.type === 'identifier' ? reach.defs.get(fnName.text) : undefined;
    if (fn) for (const f of reach.closure(fn)) if (!asyncRun.has(f.id)) asyncRun.set(f.id, call);
  }

  for (const call of facts.calls) {
    const method = calleeMethod(facts, call);
    if (method === undefined || !(method === 'run_forever' || CONSUMERS.some((r) => r.methods.includes(method))) || !reach.reached(call)) continue;
    const callee = calleeOf(facts, call)!;
    const object = callee.childForFieldName('object')!;
    const made = provenance(facts, object);
    if (!made) continue;
    const statement = statementOf(call);
    const receiver = unparen(object).type === 'identifier' ? unparen(object).text : undefined;
    if (method === 'run_forever' && EVENT_LOOPS.includes(made.name)) {
      if (statement && same(statement.namedChildren[0], call)) {
        add({ kind: 'run-forever', start: callee.childForFieldName('attribute')!.startIndex, end: callee.endIndex, label: 'an asyncio event loop', statement, receiver, mainThread: reach.mainThread(call), async: false });
      }
      continue;
    }
    const row = CONSUMERS.find((r) => r.methods.includes(method) && matches(r, made.name));
    if (!row) continue;
    if (row.shape === 'blocks') {
      if (statement) add({ kind: 'blocks', start: callee.childForFieldName('attribute')!.startIndex, end: callee.endIndex, label: row.label, statement, receiver, mainThread: reach.mainThread(call), async: false, stop: row.stop });
      continue;
    }
    const loop = foreverLoop(call);
    if (loop) add(whileSite(loop, row.label, reach, asyncRun));
  }

  for (const loop of nodesOfType(facts, 'for_statement')) {
    if (!loop || !reach.reached(loop)) continue;
    const right = loop.childForFieldName('right');
    const made = right ? provenance(facts, right) : undefined;
    const row = made && CONSUMERS.find((r) => r.shape === 'iterates' && matches(r, made.name));
    if (!row || !made || (row.endsWith && made.root && callArguments(made.root).keywords.has(row.endsWith))) continue;
    if (endsItself(loop)) continue;
    add({ kind: 'iterates', start: loop.startIndex, end: right!.endIndex, label: row.label, statement: loop, mainThread: reach.mainThread(loop), async: false });
  }

  // Coroutines under asyncio.run: a `while True:` that awaits, or an await that never returns.
  for (const [id, runner] of asyncRun) {
    const fn = reach.byId.get(id);
    const body = fn?.childForFieldName('body');
    if (!fn || !body || !isAsync(fn)) continue;
    for (const loop of body.descendantsOfType('while_statement')) {
      if (!loop || !same(enclosingDef(loop), fn) || !isForeverCondition(loop) || endsItself(loop)) continue;
      if (!loop.childForFieldName('body')?.descendantsOfType('await').some((a) => a && same(enclosingDef(a), fn))) continue;
      add(whileSite(loop, 'a loop', reach, asyncRun));
    }
    for (const awaited of body.descendantsOfType('await')) {
      if (!awaited || !same(enclosingDef(awaited), fn) || !awaitsForever(facts, awaited)) continue;
      const statement = awaited.parent?.type === 'expression_statement' ? awaited.parent : undefined;
      if (!statement) continue;
      add({ kind: 'async-forever', start: awaited.startIndex, end: awaited.endIndex, label: 'a coroutine', statement, mainThread: reach.mainThread(awaited), async: true, runner, awaited });
    }
  }
  return sites.sort((a, b) => a.start - b.start);
}

function whileSite(loop: PyNode, label: string, reach: Reach, asyncRun: Map<number, PyNode>): LoopSite {
  const fn = enclosingDef(loop);
  const async = fn !== undefined && isAsync(fn);
  const condition = loop.childForFieldName('condition')!;
  const top = fn && topLevelOf(fn);
  return {
    kind: async ? 'async-loop' : 'poll-loop',
    start: loop.startIndex,
    end: condition.endIndex,
    label,
    statement: loop,
    mainThread: reach.mainThread(loop),
    async,
    runner: top ? asyncRun.get(top.id) : undefined,
    condition,
  };
}

/** `await asyncio.Future()`, `await asyncio.Event().wait()`, `await loop.create_future()`: nothing will ever complete it. */
function awaitsForever(facts: ModuleFacts, awaited: PyNode): boolean {
  const inner = awaited.namedChildren[0] ? unparen(awaited.namedChildren[0]) : undefined;
  if (inner?.type !== 'call') return false;
  const callee = inner.childForFieldName('function');
  if (qualifiedName(facts, callee) === 'asyncio.Future' && callArguments(inner).positional.length === 0) return true;
  if (callee?.type !== 'attribute') return false;
  const method = callee.childForFieldName('attribute')?.text;
  const object = unparen(callee.childForFieldName('object')!);
  if (method === 'wait' && object.type === 'call' && qualifiedName(facts, object.childForFieldName('function')) === 'asyncio.Event') return true;
  if (method === 'create_future' && object.type === 'call' && EVENT_LOOPS.includes(qualifiedName(facts, object.childForFieldName('function')) ?? '')) return true;
  return false;
}

function matches(row: ConsumerRow, made: string): boolean {
  return row.made.some((m) => made === m || made.startsWith(`${m}:`));
}

/**
 * How a value is made, as a chain of calls: `kafka.KafkaConsumer` for `KafkaConsumer(...)` (or a
 * name assigned it), `pika.BlockingConnection().channel` for `connection.channel()`,
 * `boto3.client:sqs` for `boto3.client("sqs")` (the service name is kept after a colon).
 * `root` is the first call of the chain (the constructor). Undefined when the module does not say.
 */
export function provenance(facts: ModuleFacts, node: PyNode, depth = 0): { name: string; root?: PyNode } | undefined {
  if (depth > 8) return undefined;
  let n = unparen(node);
  if (n.type === 'await' && n.namedChildren[0]) n = unparen(n.namedChildren[0]);
  if (n.type === 'identifier' || n.type === 'attribute') {
    const q = qualifiedName(facts, n);
    if (q) return { name: q };
    const value = valueOf(facts, n);
    return value && !same(value, n) ? provenance(facts, value, depth + 1) : undefined;
  }
  if (n.type !== 'call') return undefined;
  const fn = n.childForFieldName('function');
  let name = qualifiedName(facts, fn);
  let root: PyNode | undefined = n;
  if (!name && fn?.type === 'attribute') {
    const object = provenance(facts, fn.childForFieldName('object')!, depth + 1);
    const attr = fn.childForFieldName('attribute')?.text;
    if (!object || !attr) return undefined;
    name = `${object.name}().${attr}`;
    root = object.root ?? n;
  }
  if (!name) return undefined;
  const first = KEEPS_FIRST_ARGUMENT.has(name.split(/[.()]+/).filter(Boolean).pop() ?? '') ? callArguments(n).positional[0] : undefined;
  const literal = first && stringValue(first);
  return { name: literal ? `${name}:${literal}` : name, root };
}

/** boto3 clients and resources are told apart by their first argument, the service name (`boto3.client("sqs")`). */
const KEEPS_FIRST_ARGUMENT = new Set(['client', 'resource']);

function stringValue(node: PyNode): string | undefined {
  if (node.type !== 'string' || node.descendantsOfType('interpolation').length > 0) return undefined;
  const content = node.namedChildren.filter((c) => c?.type === 'string_content');
  return content.length === 1 ? content[0]!.text : undefined;
}

/** The innermost `while True:` holding `node` in the same function, when nothing in it leaves the loop. */
function foreverLoop(node: PyNode): PyNode | undefined {
  for (let p = node.parent; p; p = p.parent) {
    if (DEFS.has(p.type) || p.type === 'lambda') return undefined;
    if (p.type === 'for_statement') return undefined;
    if (p.type === 'while_statement') return isForeverCondition(p) && !endsItself(p) ? p : undefined;
  }
  return undefined;
}

function isForeverCondition(loop: PyNode): boolean {
  const condition = loop.childForFieldName('condition');
  return condition?.type === 'true' || (condition?.type === 'integer' && condition.text === '1');
}

/**
 * A `break` or `return` of this loop itself (not of a loop or function inside it): the loop ends by
 * itself. A `raise` does not count: `if msg.error(): raise ...` ends it only on failure.
 */
function endsItself(loop: PyNode): boolean {
  const body = loop.childForFieldName('body');
  if (!body) return true;
  return body.descendantsOfType(['break_statement', 'return_statement']).some((exit) => {
    for (let p = exit?.parent; p; p = p.parent) {
      if (same(p, loop)) return true;
      if (DEFS.has(p.type) || p.type === 'lambda') return false;
      if (exit!.type === 'break_statement' && (p.type === 'while_statement' || p.type === 'for_statement')) return false;
    }
    return false;
  });
}

function statementOf(node: PyNode): PyNode | undefined {
  let n: PyNode = node;
  while (n.parent && n.parent.type === 'await') n = n.parent;
  return n.parent?.type === 'expression_statement' && n.parent.namedChildren.length === 1 ? n.parent : undefined;
}

function isAsync(fn: PyNode): boolean {
  return fn.type === 'function_definition' && fn.children.some((c) => c?.type === 'async');
}

/** The innermost function (or class) holding `node`. */
export function enclosingDef(node: PyNode): PyNode | undefined {
  for (let p = node.parent; p; p = p.parent) if (DEFS.has(p.type) || p.type === 'lambda') return p;
  return undefined;
}

/** The module-level definition (function or class, past decorators) holding `node`. */
function topLevelOf(node: PyNode): PyNode | undefined {
  let top: PyNode | undefined;
  for (let p: PyNode | null = node; p; p = p.parent) {
    if (p.parent?.type === 'module') return DEFS.has(p.type) ? p : p.type === 'decorated_definition' ? (p.childForFieldName('definition') ?? undefined) : top;
    if (DEFS.has(p.type)) top = p;
  }
  return undefined;
}

export interface Reach {
  /** Top-level functions and classes by name. */
  defs: Map<string, PyNode>;
  byId: Map<number, PyNode>;
  /** Whether the module's entry point runs this code. */
  reached(node: PyNode): boolean;
  /** Whether it runs in the main thread: reached by calls only (not as a thread target or callback), and not in a nested function. */
  mainThread(node: PyNode): boolean;
  /** A top-level function and every top-level function its body names, transitively. */
  closure(fn: PyNode): PyNode[];
}

/**
 * Which top-level functions and classes the module's own entry point runs: module-level code
 * (including `if __name__ == "__main__":`) and, transitively, what the definitions it names name.
 * A name that is called (`main()`, `Worker().run()`) keeps the main thread; a name handed on
 * (`Thread(target=consume)`) is reached but may run elsewhere.
 */
export function reachability(root: PyNode): Reach {
  const defs = new Map<string, PyNode>();
  const byId = new Map<number, PyNode>();
  const entry: PyNode[] = [];
  for (const statement of root.namedChildren) {
    if (!statement) continue;
    const def = statement.type === 'decorated_definition' ? statement.childForFieldName('definition') : statement;
    if (def && DEFS.has(def.type)) {
      const name = def.childForFieldName('name')?.text;
      if (name) defs.set(name, def);
      byId.set(def.id, def);
      // Decorators run at import (`@app.task`, `@click.command`): they do not call the function.
    } else entry.push(statement);
  }
  const names = (node: PyNode): Array<{ def: PyNode; called: boolean }> => {
    const out: Array<{ def: PyNode; called: boolean }> = [];
    for (const id of node.descendantsOfType('identifier')) {
      if (!id) continue;
      const def = defs.get(id.text);
      if (!def || same(def, node)) continue;
      const parent = id.parent;
      const called = parent?.type === 'call' && same(parent.childForFieldName('function'), id);
      // `Worker().run()`: the class is called, its methods run in this thread.
      out.push({ def, called });
    }
    return out;
  };
  const reached = new Set<number>();
  const mainThread = new Set<number>();
  const queue: Array<{ def: PyNode; called: boolean }> = entry.flatMap(names);
  while (queue.length > 0) {
    const { def, called } = queue.shift()!;
    const first = !reached.has(def.id);
    const promoted = called && !mainThread.has(def.id);
    if (!first && !promoted) continue;
    reached.add(def.id);
    if (called) mainThread.add(def.id);
    for (const next of names(def)) queue.push({ def: next.def, called: next.called && mainThread.has(def.id) });
  }
  const closure = (fn: PyNode): PyNode[] => {
    const out = new Map<number, PyNode>([[fn.id, fn]]);
    const todo = [fn];
    while (todo.length > 0) {
      for (const { def } of names(todo.pop()!)) {
        if (def.type === 'function_definition' && !out.has(def.id)) {
          out.set(def.id, def);
          todo.push(def);
        }
      }
    }
    return [...out.values()];
  };
  return {
    defs,
    byId,
    reached: (node) => {
      const top = topLevelOf(node);
      return top === undefined || reached.has(top.id);
    },
    mainThread: (node) => {
      const top = topLevelOf(node);
      if (top === undefined) return enclosingDef(node) === undefined;
      if (!mainThread.has(top.id)) return false;
      // A function nested in the top-level one may be a callback or a thread target.
      const own = enclosingDef(node);
      return same(own, top) || (own?.type === 'function_definition' && same(own.parent?.parent, top));
    },
    closure,
  };
}

/**
 * Why the module's loops may already stop on SIGTERM although the module installs no SIGTERM
 * handler of its own: a `signal.signal(sig, ...)` / `add_signal_handler(sig, ...)` whose signal is
 * not plain (a loop variable over several signals), a runner that handles SIGTERM
 * (`SIGNAL_HANDLING_RUNNERS`, aiohttp's `web.run_app`), or a helper of the project's own whose name
 * says it installs handlers (`from .signals import install_signal_handlers`). Undefined: nothing does.
 */
const HANDLER_HELPER = /signal|shutdown|graceful|terminat/i;

export function handledElsewhere(facts: ModuleFacts): string | undefined {
  for (const call of facts.calls) {
    const callee = calleeOf(facts, call);
    const installs = qualifiedName(facts, callee) === 'signal.signal' || calleeMethod(facts, call) === 'add_signal_handler';
    if (!installs) continue;
    const first = callArguments(call).positional[0];
    const sig = first ? qualifiedName(facts, unparen(first)) : undefined;
    if (!sig || !/^signal\.(?:Signals\.)?SIG[A-Z0-9]+$/.test(sig)) return 'it installs a handler for a signal it does not name';
  }
  if (facts.calledNames.has('aiohttp.web.run_app')) return 'aiohttp `web.run_app` handles SIGTERM';
  for (const [local, qualified] of facts.imports) {
    const root = qualified.split('.')[0];
    const runner = SIGNAL_HANDLING_RUNNERS.find((r) => r.module === root);
    if (runner) return `it imports ${root}, which handles SIGTERM`;
    if (root !== 'signal' && HANDLER_HELPER.test(local)) return `it imports \`${local}\``;
  }
  // Relative imports (`from .lifecycle import graceful_shutdown`) are not in `imports`.
  for (const statement of nodesOfType(facts, 'import_from_statement')) {
    if (statement?.childForFieldName('module_name')?.type !== 'relative_import') continue;
    const name = statement.childrenForFieldName('name').find((n) => n && HANDLER_HELPER.test(n.text));
    if (name) return `it imports \`${name.text}\``;
  }
  return undefined;
}
