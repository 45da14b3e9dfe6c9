// http-call-without-timeout for Python: the clients as data (one row per library, citing its
// default), and one walk over the module's calls that reads every row. What the module does not
// make plain (`**kwargs`, a session from a parameter, a timeout from a variable) is unknown: no
// finding.

import type { Fix, RuleContext, TextEdit } from '../../engine/types';
import type { PyNode } from '../../engine/python';
import { optedOutElsewhere } from '../../engine/opt-outs';
import { calleeMethod, calleeOf, callArguments, lineIndent, moduleFacts, qualifiedName, unparen, valueOf, type ModuleFacts } from '../python/module-facts';
import type { HttpTimeoutOptions } from './http-call-without-timeout';

interface PyClient {
  library: string;
  /** Module-level request functions, qualified. */
  functions: readonly string[];
  /** Calls that make a client object whose methods send requests, qualified. */
  constructors: readonly string[];
  /** Methods of that object that send a request. */
  methods: readonly string[];
  /** A request with no `timeout` argument at all can wait forever. */
  missingWaitsForever: boolean;
  /** Where `timeout` may be passed positionally to the module functions (urlopen's third parameter). */
  timeoutPosition?: number;
  /** The client's default, as its documentation states it. */
  defaultText: string;
  /** Assigning `<client>.timeout = ...` does nothing (requests). */
  attributeIgnored?: boolean;
  /** Timeout value types of the library (`httpx.Timeout`), whose arguments decide. */
  timeoutTypes?: readonly string[];
  /**
   * A client made without `timeout` waits forever on every request (urllib3's pools): the finding
   * goes on the constructor, and requests through a client made in the file are not flagged again.
   */
  constructorWaitsForever?: boolean;
}

const HTTP_METHODS = ['get', 'post', 'put', 'patch', 'delete', 'head', 'options', 'request'];
const qualify = (module: string, names: readonly string[]) => names.map((n) => `${module}.${n}`);

/** Knowledge as data: one row per client. */
export const PY_CLIENTS: readonly PyClient[] = [
  {
    // requests docs, "Timeouts": "Requests does not time out unless you explicitly set a timeout value";
    // `Session.timeout` is not an attribute requests reads (psf/requests#3070).
    library: 'requests',
    functions: qualify('requests', HTTP_METHODS).concat(qualify('requests.api', HTTP_METHODS)),
    constructors: ['requests.Session', 'requests.session', 'requests.sessions.Session'],
    methods: HTTP_METHODS,
    missingWaitsForever: true,
    defaultText: 'requests waits forever by default',
    attributeIgnored: true,
  },
  {
    // httpx docs, "Timeouts": "HTTPX is careful to enforce timeouts everywhere by default ... 5 seconds";
    // `timeout=None` (or a `Timeout` with a None field) disables them.
    library: 'httpx',
    functions: qualify('httpx', [...HTTP_METHODS, 'stream']),
    constructors: ['httpx.Client', 'httpx.AsyncClient'],
    methods: [...HTTP_METHODS, 'stream', 'send'],
    missingWaitsForever: false,
    defaultText: "httpx's default is 5 s",
    timeoutTypes: ['httpx.Timeout'],
  },
  {
    // Python docs, urllib.request.urlopen: "if not specified, the global default timeout setting will
    // be used", which is None (blocking) unless `socket.setdefaulttimeout` set one.
    library: 'urllib',
    functions: ['urllib.request.urlopen'],
    constructors: [],
    methods: [],
    missingWaitsForever: true,
    timeoutPosition: 2,
    defaultText: "urlopen uses the socket default, which is no timeout unless `socket.setdefaulttimeout` sets one",
  },
  {
    // urllib3 docs, "Timeouts": the default `Timeout.DEFAULT_TIMEOUT` is the socket default (no timeout
    // unless `socket.setdefaulttimeout`); a PoolManager's `timeout=` bounds every request made with it.
    library: 'urllib3',
    functions: ['urllib3.request'],
    constructors: ['urllib3.PoolManager', 'urllib3.ProxyManager', 'urllib3.HTTPConnectionPool', 'urllib3.HTTPSConnectionPool', 'urllib3.connection_from_url', 'urllib3.proxy_from_url'],
    methods: [],
    missingWaitsForever: true,
    constructorWaitsForever: true,
    defaultText: "urllib3's default is the socket default, which is no timeout unless `socket.setdefaulttimeout` sets one",
    timeoutTypes: ['urllib3.Timeout', 'urllib3.util.Timeout', 'urllib3.util.timeout.Timeout'],
  },
];

/**
 * aiohttp: a `ClientSession` is bounded by default (`ClientTimeout(total=300, sock_connect=30)`,
 * aiohttp docs "Timeouts"), but a `ClientTimeout` of its own starts from no limits at all.
 */
const AIOHTTP_TIMEOUT = 'aiohttp.ClientTimeout';
const AIOHTTP_BOUNDING_FIELDS = ['total', 'sock_read', 'sock_connect'];

interface Problem {
  start: number;
  end: number;
  message: string;
  fix?: () => Fix | undefined;
  /** Ruff S113 reports the same call (requests' module functions with no timeout or `timeout=None`). */
  ruffCode?: string;
}

function seconds(ms: number): string {
  return String(Math.round(ms) / 1000);
}

function isNone(node: PyNode): boolean {
  return unparen(node).type === 'none';
}

/** Whether a timeout value disables the timeout: `None`, a tuple holding `None`, `httpx.Timeout(None)`. */
function disables(facts: ModuleFacts, value: PyNode, client: PyClient): string | undefined {
  let v = unparen(value);
  if (v.type === 'identifier' && !qualifiedName(facts, v)) {
    const assigned = valueOf(facts, v);
    if (assigned && unparen(assigned).type !== 'identifier') v = unparen(assigned);
  }
  if (v.type === 'none') return '`timeout=None` turns the timeout off';
  if (v.type === 'tuple' && v.namedChildren.some((c) => c && isNone(c))) return `\`timeout=${v.text}\` leaves one of the timeouts off`;
  if (v.type === 'call' && client.timeoutTypes?.includes(qualifiedName(facts, v.childForFieldName('function')) ?? '')) {
    const args = callArguments(v);
    if (args.splat) return undefined;
    const first = args.positional[0] ?? args.keywords.get('timeout')?.value;
    const offFields = [...args.keywords].filter(([name, k]) => name !== 'timeout' && isNone(k.value)).map(([name]) => name);
    if (first && isNone(first) && [...args.keywords].every(([name]) => name === 'timeout' || offFields.includes(name))) {
      return `\`${v.text}\` turns every timeout off`;
    }
    if (offFields.length > 0) return `\`${offFields.map((f) => `${f}=None`).join(', ')}\` in \`${v.text}\` turns that timeout off`;
  }
  return undefined;
}

/** Which client object an expression is (a constructor call, or a name/`self.attr` assigned one). */
/** Every method name of a client in the table. */
const CLIENT_METHODS = new Set(PY_CLIENTS.flatMap((c) => c.methods));

function clientOf(facts: ModuleFacts, expr: PyNode | null): { client: PyClient; made: PyNode } | undefined {
  if (!expr) return undefined;
  let e = unparen(expr);
  if (e.type === 'identifier' || e.type === 'attribute') {
    if (qualifiedName(facts, e)) return undefined; // a module attribute, not an instance
    const value = valueOf(facts, e);
    if (!value) return undefined;
    e = unparen(value);
  }
  if (e.type !== 'call') return undefined;
  const name = qualifiedName(facts, e.childForFieldName('function'));
  if (!name) return undefined;
  const client = PY_CLIENTS.find((c) => c.constructors.includes(name));
  return client ? { client, made: e } : undefined;
}

/** An edit adding `keyword=value` as the call's last argument, in the layout of its arguments. */
export function addKeywordEdit(text: string, call: PyNode, keyword: string, value: string): TextEdit | undefined {
  const list = call.childForFieldName('arguments');
  if (!list || list.type !== 'argument_list') return undefined;
  const args = list.namedChildren.filter((c): c is PyNode => !!c && c.type !== 'comment');
  const close = list.endIndex - 1;
  if (text[close] !== ')') return undefined;
  const item = `${keyword}=${value}`;
  if (args.length === 0) return { start: close, end: close, newText: item };
  const last = args[args.length - 1];
  const between = text.slice(last.endIndex, close);
  const trailingComma = /^\s*,/.test(between);
  const multiline = text.slice(list.startIndex, last.startIndex).includes('\n');
  if (multiline) {
    const eol = text.includes('\r\n') ? '\r\n' : '\n';
    const indent = lineIndent(text, last.startIndex);
    if (trailingComma) {
      const comma = last.endIndex + between.indexOf(',') + 1;
      return { start: comma, end: comma, newText: `${eol}${indent}${item},` };
    }
    return { start: last.endIndex, end: last.endIndex, newText: `,${eol}${indent}${item}` };
  }
  if (trailingComma) {
    const comma = last.endIndex + between.indexOf(',') + 1;
    return { start: comma, end: comma, newText: ` ${item}` };
  }
  return { start: last.endIndex, end: last.endIndex, newText: `, ${item}` };
}

export function analysePython(ctx: RuleContext<HttpTimeoutOptions>): Problem[] {
  const doc = ctx.doc;
  const facts = moduleFacts(doc);
  if (!facts) return [];
  const problems: Problem[] = [];
  const value = seconds(ctx.options.defaultMs);
  const report = (at: PyNode, message: string, fix?: () => Fix | undefined, ruffCode?: string) => {
    if (optedOutElsewhere(doc, 'http-call-without-timeout', at.startIndex)) return;
    problems.push({ start: at.startIndex, end: at.endIndex, message, fix, ...(ruffCode ? { ruffCode } : {}) });
  };
  const addTimeout = (call: PyNode) => (): Fix | undefined => {
    const edit = addKeywordEdit(doc.text, call, 'timeout', value);
    return edit ? { title: `Add timeout=${value}`, safe: true, edits: [edit] } : undefined;
  };
  const replaceValue = (node: PyNode, title: string) => (): Fix => ({
    title: `${title} ${value} (unsafe: the value may be deliberate)`,
    safe: false,
    edits: [{ start: node.startIndex, end: node.endIndex, newText: value }],
  });
  const globalDefault = facts.calledNames.has('socket.setdefaulttimeout');

  for (const call of facts.calls) {
    const callee = calleeOf(facts, call);
    if (!callee) continue;
    const name = qualifiedName(facts, callee);
    let client: PyClient | undefined;
    let described = '';
    let constructor = false;
    if (name) {
      client = PY_CLIENTS.find((c) => c.functions.includes(name));
      if (!client) {
        client = PY_CLIENTS.find((c) => c.constructors.includes(name));
        constructor = client !== undefined;
      }
      described = `\`${callee.text}(...)\``;
      if (name === AIOHTTP_TIMEOUT) {
        checkAiohttpTimeout(call, callee, report, value, doc.text);
        continue;
      }
    } else if (callee.type === 'attribute') {
      const method = calleeMethod(facts, call) ?? '';
      // The method first: where no client has it, what the receiver is does not matter.
      const owner = CLIENT_METHODS.has(method) ? clientOf(facts, callee.childForFieldName('object')) : undefined;
      if (owner && owner.client.methods.includes(method)) {
        client = owner.client;
        described = `\`${callee.text}(...)\``;
      }
    }
    if (!client) continue;
    // Ruff's S113 reads `requests.get(...)` and its siblings called on the module, not sessions.
    const ruffCode = name && !constructor && client.library === 'requests' && name.startsWith('requests.') ? 'S113' : undefined;
    const args = callArguments(call);
    const timeout = args.keywords.get('timeout')?.value ?? (client.timeoutPosition !== undefined && !constructor ? args.positional[client.timeoutPosition] : undefined);
    if (timeout) {
      const off = disables(facts, timeout, client);
      if (off) report(timeout, `${off}: this ${client.library} ${constructor ? 'client' : 'request'} can wait forever on a server that stops answering.`, replaceValue(timeout, 'Set the timeout to'), isNone(timeout) ? ruffCode : undefined);
      continue;
    }
    if (args.splat || (constructor ? !client.constructorWaitsForever : !client.missingWaitsForever)) continue;
    if ((client.library === 'urllib' || client.library === 'urllib3') && globalDefault) continue;
    const what = constructor ? 'every request made with it' : 'this request (and whatever waits on it)';
    report(callee, `${described} without a timeout: ${client.defaultText}, so a server that stops answering holds ${what}. Pass \`timeout=\`.`, addTimeout(call), ruffCode);
  }

  // `session.timeout = 5`: requests never reads it.
  for (const assignment of facts.attributeAssignments) {
    const left = assignment.childForFieldName('left')!;
    if (left.childForFieldName('attribute')?.text !== 'timeout') continue;
    const owner = clientOf(facts, left.childForFieldName('object'));
    if (!owner?.client.attributeIgnored) continue;
    report(
      left,
      `\`${left.text} = ...\` does nothing: ${owner.client.library} ignores a timeout set on the session, so its requests still wait forever. Pass \`timeout=\` on each request (or mount an adapter that sets it).`,
    );
  }
  return problems;
}

function checkAiohttpTimeout(
  call: PyNode,
  callee: PyNode,
  report: (at: PyNode, message: string, fix?: () => Fix | undefined) => void,
  value: string,
  text: string,
): void {
  const args = callArguments(call);
  if (args.splat) return;
  const field = (name: string, position: number) => args.keywords.get(name)?.value ?? args.positional[position];
  // ClientTimeout(total=None, connect=None, sock_read=None, sock_connect=None, ceil_threshold=5)
  const positions: Record<string, number> = { total: 0, sock_read: 2, sock_connect: 3 };
  const bounded = AIOHTTP_BOUNDING_FIELDS.some((f) => {
    const v = field(f, positions[f]);
    return v !== undefined && !isNone(v);
  });
  if (bounded) return;
  const total = field('total', 0);
  const message = `\`${call.text.length > 60 ? `${callee.text}(...)` : call.text}\` sets no total, sock_read or sock_connect limit: sessions using it can wait forever on a server that stops answering (aiohttp's own default is total=300 s).`;
  if (total) {
    report(total, message, () => ({
      title: `Set total to ${value} (unsafe: the value may be deliberate)`,
      safe: false,
      edits: [{ start: total.startIndex, end: total.endIndex, newText: value }],
    }));
  } else {
    report(callee, message, () => {
      const edit = addKeywordEdit(text, call, 'total', value);
      return edit ? { title: `Add total=${value}`, safe: true, edits: [edit] } : undefined;
    });
  }
}
