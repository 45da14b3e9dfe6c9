// The calls rules' Python half, as data: one row per Python client or retry library (the call that
// makes it, the keyword arguments that bound it, the values that turn the bound off, its default
// with the source), read by one walk over the module's calls and decorators. `**kwargs` and
// options that come from elsewhere are unknown: no finding.

import type { ParsedDocument } from '../../engine/document';
import type { PyNode } from '../../engine/python';
import type { RuleFinding } from '../../engine/types';
import { callArguments, moduleFacts, qualifiedName, unparen, type ModuleFacts } from '../python/module-facts';
import type { CallsRuleId } from './clients';

interface PyCheck {
  rule: CallsRuleId;
  /** `bound`: one of `keywords` must be passed with a value not in `disabling`. `int-literal`: a finding when `keywords[0]` is an integer literal above 1 (one retry never backs off in urllib3). */
  kind: 'bound' | 'int-literal';
  keywords: readonly string[];
  /** Values (source text or qualified names) that turn the bound off. */
  disabling?: readonly string[];
  /** A connection string argument (positional 0, or `dsn=` / `url=`) that bounds the client when it matches; when it is not a literal, the client is unknown. */
  url?: { keywords: readonly string[]; pattern: RegExp };
  message: string;
  disabledMessage?: string;
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
  checks: readonly PyCheck[];
  default: string;
  source: string;
}

const NONE = ['None', '0', '0.0', 'False'];

export const PY_CLIENTS: readonly PyClientRow[] = [
  {
    library: 'redis-py `Redis`',
    calls: ['redis.Redis', 'redis.StrictRedis', 'redis.client.Redis', 'redis.asyncio.Redis', 'redis.asyncio.StrictRedis', 'redis.asyncio.client.Redis'],
    unknownWith: ['connection_pool'],
    checks: [
      {
        rule: 'datastore-client-without-timeout',
        kind: 'bound',
        keywords: ['socket_timeout'],
        disabling: NONE,
        message: 'redis-py client without `socket_timeout`: its default is None, so a command waits forever on a Redis that stops answering (a failover, a full network). Pass `socket_timeout=` (and `socket_connect_timeout=`).',
        disabledMessage: 'redis-py client with `socket_timeout` turned off: a command waits forever on a Redis that stops answering.',
      },
    ],
    default: '`socket_timeout=None`: no timeout on commands',
    source: 'redis-py docs, `redis.Redis` parameters',
  },
  {
    library: 'redis-py `from_url`',
    calls: ['redis.Redis.from_url', 'redis.StrictRedis.from_url', 'redis.from_url', 'redis.asyncio.from_url', 'redis.asyncio.Redis.from_url'],
    unknownWith: ['connection_pool'],
    checks: [
      {
        rule: 'datastore-client-without-timeout',
        kind: 'bound',
        keywords: ['socket_timeout'],
        disabling: NONE,
        url: { keywords: ['url'], pattern: /[?&]socket_timeout=/ },
        message: 'redis-py client without `socket_timeout`: its default is None, so a command waits forever on a Redis that stops answering (a failover, a full network). Pass `socket_timeout=` (and `socket_connect_timeout=`).',
        disabledMessage: 'redis-py client with `socket_timeout` turned off: a command waits forever on a Redis that stops answering.',
      },
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
      },
    ],
    default: '`connect_timeout` unset: wait indefinitely',
    source: 'PostgreSQL docs, libpq "Parameter Key Words": connect_timeout',
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
      },
      {
        rule: 'retry-without-backoff',
        kind: 'bound',
        keywords: ['wait'],
        disabling: ['tenacity.wait_none()', 'wait_none()'],
        message: 'tenacity retry without `wait=`: its default is `wait_none()`, so the retries land on a struggling dependency back to back. Pass `wait=wait_exponential_jitter(initial=0.5, max=10)`.',
        disabledMessage: 'tenacity retry with `wait=wait_none()`: the retries land back to back on a struggling dependency.',
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

function matchesValue(facts: ModuleFacts, value: PyNode, values: readonly string[]): boolean {
  const v = unparen(value);
  return values.includes(v.text) || values.includes(qualifiedName(facts, v) ?? '') || (v.type === 'call' && values.includes(`${qualifiedName(facts, v.childForFieldName('function')) ?? ''}()`));
}

interface Site {
  row: PyClientRow;
  /** The callee (or the bare decorator's name), where the finding goes. */
  at: PyNode;
  call?: PyNode;
}

/** Three rules ask for the same document's sites on every keystroke: found once per version (its facts). */
const sitesOf = new WeakMap<ModuleFacts, Site[]>();

function sites(facts: ModuleFacts, root: PyNode): Site[] {
  let found = sitesOf.get(facts);
  if (!found) sitesOf.set(facts, (found = findSites(facts, root)));
  return found;
}

function findSites(facts: ModuleFacts, root: PyNode): Site[] {
  const out: Site[] = [];
  for (const call of facts.calls) {
    const callee = call.childForFieldName('function');
    const name = qualifiedName(facts, callee);
    if (!callee || !name) continue;
    const row = PY_CLIENTS.find((r) => r.calls.includes(name));
    if (row) out.push({ row, at: callee, call });
  }
  const bare = PY_CLIENTS.filter((r) => r.bareDecorator);
  if (bare.length > 0) {
    for (const decorator of root.descendantsOfType('decorator')) {
      const expression = decorator?.namedChildren.find((c) => c?.type !== 'comment');
      if (!expression || (expression.type !== 'identifier' && expression.type !== 'attribute')) continue;
      const name = qualifiedName(facts, expression);
      const row = bare.find((r) => name !== undefined && r.calls.includes(name));
      if (row) out.push({ row, at: expression });
    }
  }
  return out;
}

/** The findings of the Python rows for one rule. */
export function pythonCallFindings(doc: ParsedDocument, rule: CallsRuleId): RuleFinding[] {
  const facts = moduleFacts(doc);
  const root = doc.pythonTree?.rootNode;
  if (!facts || !root) return [];
  const out: RuleFinding[] = [];
  for (const site of sites(facts, root)) {
    const args = site.call ? callArguments(site.call) : undefined;
    if (args?.splat) continue;
    const keyword = (name: string) => args?.keywords.get(name)?.value;
    if (site.row.unknownWith?.some((k) => keyword(k))) continue;
    if (site.row.skipWhen?.some((s) => {
      const v = keyword(s.keyword);
      return v !== undefined && s.values.includes(unparen(v).text);
    })) continue;
    for (const check of site.row.checks) {
      if (check.rule !== rule) continue;
      if (check.kind === 'int-literal') {
        const v = keyword(check.keywords[0]);
        if (v && unparen(v).type === 'integer' && Number(unparen(v).text) > 1) out.push({ start: v.startIndex, end: v.endIndex, message: check.message });
        continue;
      }
      const given = check.keywords.map(keyword).filter((v): v is PyNode => v !== undefined);
      if (given.length > 0) {
        const off = given.every((v) => matchesValue(facts, v, check.disabling ?? []));
        if (off) out.push({ start: given[0].startIndex, end: given[0].endIndex, message: check.disabledMessage ?? check.message });
        continue;
      }
      if (check.url) {
        const url = args?.positional[0] ?? check.url.keywords.map(keyword).find((v) => v !== undefined);
        // A connection string that is not written out may carry the bound: unknown.
        if (url && (!isStringLiteral(unparen(url)) || check.url.pattern.test(unparen(url).text))) continue;
      }
      out.push({ start: site.at.startIndex, end: site.at.endIndex, message: check.message });
    }
  }
  return out;
}

/** The Python rows' defaults for one rule, for its docs. */
export function pythonDefaultsFor(rule: CallsRuleId): string {
  return PY_CLIENTS.filter((r) => r.checks.some((c) => c.rule === rule))
    .map((r) => `- ${r.library}: ${r.default} (${r.source}).`)
    .join('\n');
}
