// The calls rules' Python half, as data: one row per Python client or retry library (the call that
// makes it, the keyword arguments that bound it, the values that turn the bound off, its default
// with the source), read by one walk over the module's calls and decorators. `**kwargs` and
// options that come from elsewhere are unknown: no finding.

import type { ParsedDocument } from '../../engine/document';
import type { PyNode } from '../../engine/python';
import type { Fix, RuleFinding, TextEdit } from '../../engine/types';
import { calleeOf, callArguments, moduleFacts, nodesOfType, qualifiedName, unparen, type ModuleFacts } from '../python/module-facts';
import { addKeywordEdit } from '../timeouts/python-http';
import type { CallsRuleId } from './clients';

/** A keyword argument a fix adds: `value` is code; `{name}` stands for a name imported from `module` (added to its import when missing). */
interface PyFix {
  title: string;
  keyword: string;
  value: string;
  /** The names `value` uses, imported from `module`. */
  imports?: { module: string; names: readonly string[] };
  safe: boolean;
}

interface PyCheck {
  rule: CallsRuleId;
  /** `bound`: one of `keywords` must be passed with a value not in `disabling`. `int-literal`: a finding when `keywords[0]` is an integer literal above 1 (one retry never backs off in urllib3). */
  kind: 'bound' | 'int-literal';
  keywords: readonly string[];
  /** Values (source text or qualified names) that turn the bound off. */
  disabling?: readonly string[];
  /** A connection string argument (positional 0, or `dsn=` / `url=`) that bounds the client when it matches; when it is not a literal, the client is unknown. */
  url?: { keywords: readonly string[]; pattern: RegExp };
  /** Dictionaries passed as a keyword (`connect_args={...}`) whose keys bound it too; a dictionary that is not written out is unknown. */
  nested?: ReadonlyArray<{ keyword: string; keys: readonly string[] }>;
  /** `fine`: only a disabling value is a finding (pymongo's default is bounded elsewhere). */
  absent?: 'finding' | 'fine';
  message: string;
  disabledMessage?: string;
  fix?: PyFix;
}

export interface PyClientRow {
  library: string;
  /** Qualified names of the calls (or bare decorators) that make it. */
  calls: readonly string[];
  /** A bare decorator (`@retry`, no call) counts as a call with no arguments. */
  bareDecorator?: boolean;
  /** The row does not apply when a keyword holds one of these values (`Retry(total=0)` does not retry). */
  skipWhen?: ReadonlyArray<{ keyword: string; values: readonly string[] }>;
  /** Any of these keywords hands the settings to something made elsewhere (`connection_pool=`): unknown. */
  unknownWith?: readonly string[];
  /**
   * The row applies only when the URL argument (positional 0 or one of `keywords`) names a matching
   * scheme (`postgresql+asyncpg://`): SQLAlchemy's driver decides which timeouts exist. A URL that
   * cannot be read is unknown.
   */
  scheme?: { keywords: readonly string[]; pattern: RegExp };
  checks: readonly PyCheck[];
  default: string;
  source: string;
}

const NONE = ['None', '0', '0.0', 'False'];

/**
 * The `socket_timeout` check every redis-py-shaped client shares (redis-py's `Redis` and `from_url`,
 * aioredis 2, which copied its signature); `advice` ends the message, `url` reads a URL's query.
 */
function socketTimeoutCheck(client: string, advice: string, url?: PyClientRow['checks'][number]['url']): PyClientRow['checks'][number] {
  return {
    rule: 'datastore-client-without-timeout',
    kind: 'bound',
    keywords: ['socket_timeout'],
    disabling: NONE,
    ...(url ? { url } : {}),
    message: `${client} client without \`socket_timeout\`: its default is None, so a command waits forever on a Redis that stops answering${advice}`,
    disabledMessage: `${client} client with \`socket_timeout\` turned off: a command waits forever on a Redis that stops answering.`,
    fix: { title: 'Add socket_timeout=5', keyword: 'socket_timeout', value: '5', safe: true },
  };
}

export const PY_CLIENTS: readonly PyClientRow[] = [
  {
    library: 'redis-py `Redis`',
    calls: ['redis.Redis', 'redis.StrictRedis', 'redis.client.Redis', 'redis.asyncio.Redis', 'redis.asyncio.StrictRedis', 'redis.asyncio.client.Redis'],
    unknownWith: ['connection_pool'],
    checks: [
      socketTimeoutCheck('redis-py', ' (a failover, a full network). Pass `socket_timeout=` (and `socket_connect_timeout=`).'),
    ],
    default: '`socket_timeout=None`: no timeout on commands',
    source: 'redis-py docs, `redis.Redis` parameters',
  },
  {
    library: 'redis-py `from_url`',
    calls: ['redis.Redis.from_url', 'redis.StrictRedis.from_url', 'redis.from_url', 'redis.asyncio.from_url', 'redis.asyncio.Redis.from_url'],
    unknownWith: ['connection_pool'],
    checks: [
      socketTimeoutCheck('redis-py', ' (a failover, a full network). Pass `socket_timeout=` (and `socket_connect_timeout=`).', { keywords: ['url'], pattern: /[?&]socket_timeout=/ }),
    ],
    default: '`socket_timeout=None` unless the URL sets `?socket_timeout=`',
    source: 'redis-py docs, `redis.Redis.from_url`',
  },
  {
    library: 'psycopg 3 / psycopg2 `connect`',
    calls: ['psycopg2.connect', 'psycopg.connect', 'psycopg.Connection.connect', 'psycopg.AsyncConnection.connect'],
    checks: [
      {
        rule: 'datastore-client-without-timeout',
        kind: 'bound',
        keywords: ['connect_timeout'],
        disabling: ['None', '0'],
        url: { keywords: ['dsn', 'conninfo'], pattern: /connect_timeout\s*=/ },
        message: 'psycopg connection without `connect_timeout`: libpq waits indefinitely for a connection when it is not set (unless PGCONNECT_TIMEOUT is in the environment), so a database that stops answering holds the caller. Pass `connect_timeout=` (seconds), and bound queries with `options="-c statement_timeout=..."`.',
        disabledMessage: 'psycopg connection with `connect_timeout` 0: libpq then waits indefinitely for a connection.',
        fix: { title: 'Add connect_timeout=5', keyword: 'connect_timeout', value: '5', safe: true },
      },
    ],
    default: '`connect_timeout` unset: wait indefinitely',
    source: 'PostgreSQL docs, libpq "Parameter Key Words": connect_timeout',
  },
  {
    library: 'aioredis `Redis` / `from_url` (aioredis 2, the redis-py API)',
    calls: ['aioredis.Redis', 'aioredis.StrictRedis', 'aioredis.client.Redis', 'aioredis.from_url', 'aioredis.Redis.from_url'],
    unknownWith: ['connection_pool'],
    checks: [
      socketTimeoutCheck('aioredis', '. Pass `socket_timeout=` (aioredis is now `redis.asyncio`).', { keywords: ['url'], pattern: /[?&]socket_timeout=/ }),
    ],
    default: '`socket_timeout=None` (aioredis 2 copied redis-py\'s `Redis` signature)',
    source: 'aioredis 2.0 docs, "Migrating to v2.0" and `aioredis.Redis`',
  },
  {
    library: 'asyncpg `connect` / `create_pool`',
    calls: ['asyncpg.connect', 'asyncpg.create_pool', 'asyncpg.pool.create_pool', 'asyncpg.connection.connect'],
    checks: [
      {
        rule: 'datastore-client-without-timeout',
        kind: 'bound',
        keywords: ['command_timeout'],
        disabling: ['None', '0'],
        // asyncpg passes DSN query parameters it does not know to the server as settings.
        url: { keywords: ['dsn'], pattern: /[?&](?:command_timeout|statement_timeout)=/ },
        nested: [{ keyword: 'server_settings', keys: ['statement_timeout'] }],
        message: 'asyncpg connection without `command_timeout`: its default is None, so a query on a connection that stays up but stops answering (a lock, a failover) waits forever; only connecting is bounded (`timeout`, 60 s). Pass `command_timeout=` (seconds) or `server_settings={"statement_timeout": ...}`.',
        disabledMessage: 'asyncpg connection with `command_timeout` off: a query waits as long as the server takes.',
        fix: { title: 'Add command_timeout=10', keyword: 'command_timeout', value: '10', safe: true },
      },
    ],
    default: '`command_timeout=None`: no limit on a query; `timeout=60` bounds connecting only',
    source: 'asyncpg docs, `asyncpg.connection.connect`',
  },
  {
    library: 'SQLAlchemy `create_engine` on psycopg2 / psycopg (`postgresql://`, `postgresql+psycopg2://`, `postgresql+psycopg://`)',
    calls: ['sqlalchemy.create_engine', 'sqlalchemy.engine.create_engine', 'sqlalchemy.ext.asyncio.create_async_engine'],
    scheme: { keywords: ['url'], pattern: /^postgres(?:ql)?(?:\+(?:psycopg2|psycopg|psycopg2cffi))?:\/\// },
    checks: [
      {
        rule: 'datastore-client-without-timeout',
        kind: 'bound',
        keywords: [],
        url: { keywords: ['url'], pattern: /[?&](?:connect_timeout|options)=/ },
        nested: [{ keyword: 'connect_args', keys: ['connect_timeout', 'options'] }],
        message: 'SQLAlchemy engine on psycopg without `connect_timeout`: the pool waits at most `pool_timeout` (30 s) for a pooled connection, but libpq opens a new one with no connect timeout, and no `statement_timeout` bounds a query. Pass `connect_args={"connect_timeout": 5, "options": "-c statement_timeout=10000"}`.',
        fix: { title: 'Add connect_args with connect_timeout and statement_timeout', keyword: 'connect_args', value: '{"connect_timeout": 5, "options": "-c statement_timeout=10000"}', safe: true },
      },
    ],
    default: '`pool_timeout=30` bounds waiting for a pooled connection (SQLAlchemy docs, `create_engine.pool_timeout`); a new connection goes through libpq, whose `connect_timeout` is unset (wait indefinitely), and no statement timeout is set',
    source: 'SQLAlchemy docs, "Engine Configuration" and the PostgreSQL dialect; PostgreSQL docs, libpq "Parameter Key Words"',
  },
  {
    library: 'SQLAlchemy `create_async_engine` on asyncpg (`postgresql+asyncpg://`)',
    calls: ['sqlalchemy.ext.asyncio.create_async_engine', 'sqlalchemy.create_engine'],
    scheme: { keywords: ['url'], pattern: /^postgres(?:ql)?\+asyncpg:\/\// },
    checks: [
      {
        rule: 'datastore-client-without-timeout',
        kind: 'bound',
        keywords: [],
        url: { keywords: ['url'], pattern: /[?&](?:command_timeout|statement_timeout)=/ },
        nested: [{ keyword: 'connect_args', keys: ['command_timeout', 'server_settings'] }],
        message: 'SQLAlchemy engine on asyncpg without `command_timeout`: asyncpg\'s default is None, so a query on a connection that stops answering waits forever (the pool\'s `pool_timeout`, 30 s, bounds only waiting for a connection). Pass `connect_args={"command_timeout": 10}`.',
        fix: { title: 'Add connect_args={"command_timeout": 10}', keyword: 'connect_args', value: '{"command_timeout": 10}', safe: true },
      },
    ],
    default: 'asyncpg\'s `command_timeout=None` (asyncpg docs, `connect`); `pool_timeout=30` bounds waiting for a pooled connection only',
    source: 'SQLAlchemy docs, "asyncpg" dialect; asyncpg docs, `asyncpg.connection.connect`',
  },
  {
    library: 'pymongo `MongoClient` / motor `AsyncIOMotorClient`',
    calls: ['pymongo.MongoClient', 'pymongo.mongo_client.MongoClient', 'pymongo.AsyncMongoClient', 'motor.motor_asyncio.AsyncIOMotorClient', 'motor.motor_tornado.MotorClient'],
    checks: [
      {
        rule: 'datastore-client-without-timeout',
        kind: 'bound',
        keywords: ['socketTimeoutMS', 'sockettimeoutms'],
        disabling: ['None', '0'],
        absent: 'fine',
        message: '',
        disabledMessage: 'MongoDB client with `socketTimeoutMS` turned off: a socket that stops answering is never timed out, so an operation waits forever. Set a timeout above the slowest expected operation (or use `timeoutMS`).',
      },
    ],
    default: '`socketTimeoutMS=None` ("no timeout"), but `serverSelectionTimeoutMS` (30 s) bounds selecting a server, so only an explicit `None`/`0` is flagged, as in the Node driver',
    source: 'pymongo docs, `pymongo.mongo_client.MongoClient` (motor takes the same options)',
  },
  {
    library: 'tenacity `@retry` / `Retrying`',
    calls: ['tenacity.retry', 'tenacity.Retrying', 'tenacity.AsyncRetrying', 'tenacity.asyncio.AsyncRetrying'],
    bareDecorator: true,
    checks: [
      {
        rule: 'retry-without-limit',
        kind: 'bound',
        keywords: ['stop'],
        disabling: ['tenacity.stop_never', 'stop_never'],
        message: 'tenacity retry without `stop=`: its default is `stop_never`, so while the dependency is down this retries forever (and whatever waits on it never fails). Pass `stop=stop_after_attempt(5)` or `stop_after_delay(...)`.',
        disabledMessage: 'tenacity retry with `stop=stop_never`: it retries forever while the dependency is down.',
        fix: { title: 'Add stop=stop_after_attempt(5)', keyword: 'stop', value: '{stop_after_attempt}(5)', imports: { module: 'tenacity', names: ['stop_after_attempt'] }, safe: false },
      },
      {
        rule: 'retry-without-backoff',
        kind: 'bound',
        keywords: ['wait'],
        disabling: ['tenacity.wait_none()', 'wait_none()'],
        message: 'tenacity retry without `wait=`: its default is `wait_none()`, so the retries land on a struggling dependency back to back. Pass `wait=wait_exponential_jitter(initial=0.5, max=10)`.',
        disabledMessage: 'tenacity retry with `wait=wait_none()`: the retries land back to back on a struggling dependency.',
        fix: { title: 'Add wait=wait_exponential_jitter(initial=0.5, max=10)', keyword: 'wait', value: '{wait_exponential_jitter}(initial=0.5, max=10)', imports: { module: 'tenacity', names: ['wait_exponential_jitter'] }, safe: true },
      },
    ],
    default: '`stop=stop_never`, `wait=wait_none()`: retry forever, with no delay',
    source: 'tenacity docs, "Basic Retry": "the default behavior is to retry forever without waiting"',
  },
  {
    library: 'backoff `on_exception` / `on_predicate`',
    calls: ['backoff.on_exception', 'backoff.on_predicate'],
    checks: [
      {
        rule: 'retry-without-limit',
        kind: 'bound',
        keywords: ['max_tries', 'max_time'],
        disabling: ['None'],
        message: 'backoff decorator without `max_tries` or `max_time`: backoff then retries with no limit while the dependency is down. Pass `max_tries=` or `max_time=`.',
      },
    ],
    default: '`max_tries=None`, `max_time=None`: no limit',
    source: 'backoff docs, `on_exception` parameters',
  },
  {
    library: 'urllib3 `Retry`',
    calls: ['urllib3.Retry', 'urllib3.util.Retry', 'urllib3.util.retry.Retry', 'requests.packages.urllib3.util.retry.Retry', 'requests.adapters.Retry'],
    // urllib3 sleeps no backoff before the first retry whatever the factor (`get_backoff_time`: 0 for one consecutive error): one retry, or none, is the same with or without it.
    skipWhen: [{ keyword: 'total', values: ['0', '1', 'False'] }],
    checks: [
      {
        rule: 'retry-without-backoff',
        kind: 'bound',
        keywords: ['backoff_factor'],
        disabling: ['0', '0.0'],
        message: 'urllib3 `Retry` without `backoff_factor`: its default is 0, so the retries follow each other with no delay. Pass `backoff_factor=0.5` (and `backoff_jitter=` on urllib3 2).',
        disabledMessage: 'urllib3 `Retry` with `backoff_factor` 0: the retries follow each other with no delay.',
        fix: { title: 'Add backoff_factor=0.5', keyword: 'backoff_factor', value: '0.5', safe: true },
      },
    ],
    default: '`backoff_factor=0`: no delay between retries',
    source: 'urllib3 docs, `urllib3.util.Retry`',
  },
  {
    library: 'requests `HTTPAdapter(max_retries=<int>)`',
    calls: ['requests.adapters.HTTPAdapter'],
    checks: [
      {
        rule: 'retry-without-backoff',
        kind: 'int-literal',
        keywords: ['max_retries'],
        message: 'An integer `max_retries` becomes `Retry.from_int(n)`, with no backoff: the retries follow each other with no delay. Pass a `Retry(total=n, backoff_factor=0.5)` instead.',
      },
    ],
    default: '`max_retries=0`; an integer n is `Retry(n, read=False)` with `backoff_factor=0`',
    source: 'requests docs, `requests.adapters.HTTPAdapter`',
  },
];

function isStringLiteral(node: PyNode): boolean {
  return node.type === 'string' && !node.namedChildren.some((c) => c?.type === 'interpolation');
}

/**
 * What a connection string argument says: `known` when its text can be read, and that text
 * (quotes stripped, each interpolation a NUL). A literal is known; so is an f-string that writes out
 * the scheme, the authority's end and any query, its interpolations being the user, password, host,
 * port or database name (`f"postgresql://{user}:{pw}@{host}/{db}"`). Anything else is unknown.
 */
function readUrl(node: PyNode): { known: boolean; text: string } {
  const v = unparen(node);
  if (v.type !== 'string') return { known: false, text: '' };
  const quotes = /^[a-zA-Z]*("""|\'\'\'|"|')|("""|\'\'\'|"|')$/g;
  const interpolations = v.namedChildren.filter((c): c is PyNode => c?.type === 'interpolation');
  if (interpolations.length === 0) return { known: true, text: v.text.replace(quotes, '') };
  let text = '';
  let last = v.startIndex;
  for (const i of interpolations) {
    text += v.text.slice(last - v.startIndex, i.startIndex - v.startIndex) + '\u0000';
    last = i.endIndex;
  }
  text = (text + v.text.slice(last - v.startIndex)).replace(quotes, '');
  const url = /^[a-z][a-z0-9+.-]*:\/\/[^/]*\/(.*)$/s.exec(text);
  const query = url ? url[1].slice(Math.max(0, url[1].indexOf('?'))) : '';
  return { known: !!url && !(url[1].includes('?') && query.includes('\u0000')), text };
}

function matchesValue(facts: ModuleFacts, value: PyNode, values: readonly string[]): boolean {
  const v = unparen(value);
  return values.includes(v.text) || values.includes(qualifiedName(facts, v) ?? '') || (v.type === 'call' && values.includes(`${qualifiedName(facts, v.childForFieldName('function')) ?? ''}()`));
}

/** Whether a dictionary argument holds one of `keys`: true, false, or undefined when it is not written out. */
function dictHolds(value: PyNode, keys: readonly string[]): boolean | undefined {
  const v = unparen(value);
  if (v.type === 'dictionary') {
    let unknown = false;
    for (const pair of v.namedChildren) {
      if (!pair) continue;
      if (pair.type === 'dictionary_splat') unknown = true;
      if (pair.type !== 'pair') continue;
      const key = pair.childForFieldName('key');
      if (!key || key.type !== 'string' || !isStringLiteral(key)) {
        unknown = true;
        continue;
      }
      if (keys.includes(key.text.slice(1, -1))) return true;
    }
    return unknown ? undefined : false;
  }
  if (v.type === 'call' && v.childForFieldName('function')?.text === 'dict') {
    const args = callArguments(v);
    if (args.splat || args.positional.length > 0) return undefined;
    return keys.some((k) => args.keywords.has(k));
  }
  return undefined;
}

interface Site {
  row: PyClientRow;
  /** The callee (or the bare decorator's name), where the finding goes. */
  at: PyNode;
  call?: PyNode;
}

/** Three rules ask for the same document's sites on every keystroke: found once per version (its facts). */
const sitesOf = new WeakMap<ModuleFacts, Site[]>();

function sites(facts: ModuleFacts): Site[] {
  let found = sitesOf.get(facts);
  if (!found) sitesOf.set(facts, (found = findSites(facts)));
  return found;
}

function findSites(facts: ModuleFacts): Site[] {
  const out: Site[] = [];
  for (const call of facts.calls) {
    const callee = calleeOf(facts, call);
    const name = qualifiedName(facts, callee);
    if (!callee || !name) continue;
    const candidates = PY_CLIENTS.filter((r) => r.calls.includes(name));
    const row = candidates.length > 1 ? candidates.find((r) => schemeMatches(r, call)) : candidates[0];
    if (row) out.push({ row, at: callee, call });
  }
  const bare = PY_CLIENTS.filter((r) => r.bareDecorator);
  if (bare.length > 0) {
    for (const decorator of nodesOfType(facts, 'decorator')) {
      const expression = decorator?.namedChildren.find((c) => c?.type !== 'comment');
      if (!expression || (expression.type !== 'identifier' && expression.type !== 'attribute')) continue;
      const name = qualifiedName(facts, expression);
      const row = bare.find((r) => name !== undefined && r.calls.includes(name));
      if (row) out.push({ row, at: expression });
    }
  }
  return out;
}

/** Whether a row's driver is the one the call's URL names (rows without a scheme always apply). */
function schemeMatches(row: PyClientRow, call: PyNode): boolean {
  if (!row.scheme) return true;
  const args = callArguments(call);
  const url = args.positional[0] ?? row.scheme.keywords.map((k) => args.keywords.get(k)?.value).find((v) => v !== undefined);
  if (!url) return false;
  const read = readUrl(url);
  return read.known && row.scheme.pattern.test(read.text);
}

interface PyProblem extends RuleFinding {
  rule: CallsRuleId;
  fix?: () => Fix | undefined;
}

const cache = new WeakMap<ParsedDocument, PyProblem[]>();

function problems(doc: ParsedDocument): PyProblem[] {
  let found = cache.get(doc);
  if (!found) {
    found = computeProblems(doc);
    cache.set(doc, found);
  }
  return found;
}

function computeProblems(doc: ParsedDocument): PyProblem[] {
  const facts = moduleFacts(doc);
  const root = doc.pythonTree?.rootNode;
  if (!facts || !root) return [];
  const out: PyProblem[] = [];
  for (const site of sites(facts)) {
    if (site.call && !schemeMatches(site.row, site.call)) continue;
    const args = site.call ? callArguments(site.call) : undefined;
    if (args?.splat) continue;
    const keyword = (name: string) => args?.keywords.get(name)?.value;
    if (site.row.unknownWith?.some((k) => keyword(k))) continue;
    if (site.row.skipWhen?.some((s) => {
      const v = keyword(s.keyword);
      return v !== undefined && s.values.includes(unparen(v).text);
    })) continue;
    for (const check of site.row.checks) {
      const rule = check.rule;
      if (check.kind === 'int-literal') {
        const v = keyword(check.keywords[0]);
        if (v && unparen(v).type === 'integer' && Number(unparen(v).text) > 1) out.push({ rule, start: v.startIndex, end: v.endIndex, message: check.message });
        continue;
      }
      const given = check.keywords.map(keyword).filter((v): v is PyNode => v !== undefined);
      if (given.length > 0) {
        const off = given.every((v) => matchesValue(facts, v, check.disabling ?? []));
        if (off) out.push({ rule, start: given[0].startIndex, end: given[0].endIndex, message: check.disabledMessage ?? check.message });
        continue;
      }
      if (check.absent === 'fine') continue;
      if (check.nested) {
        // `connect_args={...}`: bounded when it holds a bounding key; unknown when it is not written out.
        const held = check.nested.map((n) => {
          const v = keyword(n.keyword);
          return v ? dictHolds(v, n.keys) : false;
        });
        if (held.some((h) => h !== false)) continue;
      }
      if (check.url) {
        const url = args?.positional[0] ?? check.url.keywords.map(keyword).find((v) => v !== undefined);
        if (url) {
          const read = readUrl(url);
          // A connection string that is not written out may carry the bound: unknown.
          if (!read.known || check.url.pattern.test(read.text)) continue;
        }
      }
      // A keyword already passed cannot be passed again (`connect_args` that holds no timeout): no fix.
      const fix = check.fix && !keyword(check.fix.keyword) ? check.fix : undefined;
      out.push({ rule, start: site.at.startIndex, end: site.at.endIndex, message: check.message, fix: fix ? () => pyFix(doc, facts, site, fix) : undefined });
    }
  }
  return out;
}

/** The name under which the module can use `name` from `module`, and the import edit it needs, if any. */
function importedName(doc: ParsedDocument, facts: ModuleFacts, module: string, name: string): { expr: string; edit?: TextEdit } | undefined {
  for (const [local, qualified] of facts.imports) if (qualified === `${module}.${name}`) return { expr: local };
  for (const [local, qualified] of facts.imports) if (qualified === module) return { expr: `${local}.${name}` };
  // Add the name to the module's `from <module> import ...` at the top level.
  const root = doc.pythonTree?.rootNode;
  for (const statement of root?.namedChildren ?? []) {
    if (statement?.type !== 'import_from_statement' || statement.childForFieldName('module_name')?.text !== module) continue;
    const names = statement.childrenForFieldName('name').filter((c): c is PyNode => !!c);
    const last = names[names.length - 1];
    if (!last) continue;
    const after = doc.text.slice(last.endIndex, statement.endIndex);
    const comma = /^\s*,/.exec(after);
    if (comma) return { expr: name, edit: { start: last.endIndex + comma[0].length, end: last.endIndex + comma[0].length, newText: ` ${name},` } };
    return { expr: name, edit: { start: last.endIndex, end: last.endIndex, newText: `, ${name}` } };
  }
  return undefined;
}

function pyFix(doc: ParsedDocument, facts: ModuleFacts, site: Site, fix: PyFix): Fix | undefined {
  const edits: TextEdit[] = [];
  let value = fix.value;
  for (const name of fix.imports?.names ?? []) {
    const imported = importedName(doc, facts, fix.imports!.module, name);
    if (!imported) return undefined;
    if (imported.edit) edits.push(imported.edit);
    value = value.replace(`{${name}}`, imported.expr);
  }
  if (site.call) {
    const edit = addKeywordEdit(doc.text, site.call, fix.keyword, value);
    if (!edit) return undefined;
    edits.push(edit);
  } else {
    // A bare decorator (`@retry`) becomes a call.
    edits.push({ start: site.at.endIndex, end: site.at.endIndex, newText: `(${fix.keyword}=${value})` });
  }
  return { title: fix.safe ? fix.title : `${fix.title} (unsafe: ${fix.keyword === 'stop' ? 'callers now see the error after the last attempt' : 'the value may change behaviour'})`, safe: fix.safe, edits };
}

/** The findings of the Python rows for one rule. */
export function pythonCallFindings(doc: ParsedDocument, rule: CallsRuleId): RuleFinding[] {
  return problems(doc)
    .filter((p) => p.rule === rule)
    .map(({ start, end, message }) => ({ start, end, message }));
}

/** The fixes of the Python rows for one finding. */
export function pythonCallFixes(doc: ParsedDocument, rule: CallsRuleId, finding: { start: number; end: number; message: string }): Fix[] {
  const problem = problems(doc).find((p) => p.rule === rule && p.start === finding.start && p.end === finding.end && p.message === finding.message);
  const fix = problem?.fix?.();
  return fix ? [fix] : [];
}

/** The Python rows' defaults for one rule, for its docs. */
export function pythonDefaultsFor(rule: CallsRuleId): string {
  return PY_CLIENTS.filter((r) => r.checks.some((c) => c.rule === rule))
    .map((r) => `- ${r.library}: ${r.default} (${r.source}).`)
    .join('\n');
}
