// Library knowledge as data: one row per client or retry library. A row says which module and
// export construct it, where its options go, and the checks that decide whether what it makes is
// bounded: each check names its rule, the option(s) that bound it, the values that turn it off, the
// library's default with its source, and the fix in the library's idiom. `constructions.ts` reads
// every row with one walk; a newcomer adds a client with a row and a fixture.
//
// The shape is not specific to these rules: an HTTP client (`axios.create({ timeout })`, got's
// `timeout.request`) is a row of the same kind, so http-call-without-timeout's clients can move here.

export type CallsRuleId =
  | 'datastore-client-without-timeout'
  | 'aws-sdk-client-without-timeout'
  | 'retry-without-backoff'
  | 'retry-without-limit';

/** A property a fix adds: a dotted path from the options object, and its value (a number of ms, or code). */
export interface FixProperty {
  path: string;
  /** A number is written in the file's style (`10_000` or `10000`); `$callee` in code stands for the callee as written. */
  value: number | string;
}

export interface Check {
  rule: CallsRuleId;
  /**
   * `bound`: one of `keys` must hold a value that is not in `disabling`; an absent key is a finding
   * unless `absent` is `fine`. `forbid`: a finding when `keys[0]` holds one of `values`.
   */
  kind: 'bound' | 'forbid';
  /** Dotted paths into the options object. */
  keys: readonly string[];
  disabling?: readonly string[];
  values?: readonly string[];
  absent?: 'finding' | 'fine';
  /** The check applies only when this path holds a value that is not disabling (`throwOnRequestTimeout` needs `requestTimeout`). */
  when?: string;
  /** A connection string in the options (`connectionString`) or as the argument that bounds the client when it matches. */
  url?: { keys: readonly string[]; pattern: RegExp };
  /** Why it is a problem, for a missing bound. */
  message: string;
  /** For a value that turns the bound off (bound checks) or a forbidden value. */
  disabledMessage?: string;
  fix?: { title: string; add: readonly FixProperty[]; safe: boolean };
  /**
   * What the check assumes of an installed package (its version read from the lockfile, see
   * WorkspaceFacts.installedVersions). When every installed version is older than `since`, `older`
   * applies: `skip` (the check does not hold there), or another message and fix. Versions unknown,
   * mixed or from `since` on: the check as written. A finding decided by a version read names it.
   */
  needs?: { package: string; since: string; older: { skip: true } | { message: string; fix: { title: string; add: readonly FixProperty[]; safe: boolean } } };
}

export interface ClientRow {
  /** As the docs name it: `pg Pool / Client`. */
  library: string;
  modules: readonly string[] | RegExp;
  /** Export names (`default`, `*` for the module itself, `Redis.Cluster` for a member) or a pattern. */
  exports: readonly string[] | RegExp;
  construct: 'new' | 'call';
  /** Which argument holds the options: an index, or the last argument (ioredis: `new Redis(port, host, options)`). */
  options: number | 'last';
  /** The row does not apply when one of these holds (axios-retry with `retries: 0` does not retry). */
  skipWhen?: ReadonlyArray<{ key: string; values: readonly string[] }>;
  checks: readonly Check[];
  /** Its default, with where that comes from: shown in the rule's docs. */
  default: string;
  source: string;
}

const OFF = ['0', 'null', 'undefined', 'false', 'Infinity'];

/** The package whose `NodeHttpHandler` AWS SDK v3 clients use. */
const SMITHY_HANDLER = '@smithy/node-http-handler';
/**
 * The first @smithy/node-http-handler with `throwOnRequestTimeout` (published 2025-10-13): from it
 * on, an elapsed `requestTimeout` only logs "[WARN] a request has exceeded the configured
 * requestTimeout" unless the option is true; before it, `requestTimeout` fails the request.
 */
const THROW_ON_REQUEST_TIMEOUT_SINCE = '4.4.0';

export const CLIENTS: readonly ClientRow[] = [
  {
    library: 'pg `Pool` / `Client`',
    modules: ['pg', 'pg-pool'],
    exports: ['Pool', 'Client', 'default', '*'],
    construct: 'new',
    options: 0,
    checks: [
      {
        rule: 'datastore-client-without-timeout',
        kind: 'bound',
        keys: ['connectionTimeoutMillis', 'statement_timeout', 'query_timeout'],
        disabling: OFF,
        url: { keys: ['connectionString'], pattern: /statement_timeout|query_timeout|connect_timeout/ },
        message: 'pg client without a timeout: `connectionTimeoutMillis` defaults to 0 (wait forever for a connection when the database or the pool is saturated) and no `statement_timeout` or `query_timeout` bounds a query. Set `connectionTimeoutMillis` and `statement_timeout`.',
        disabledMessage: 'pg client with its timeout turned off (0 waits forever) and no other bound. Set `connectionTimeoutMillis` and `statement_timeout`.',
        fix: { title: 'Add connectionTimeoutMillis and statement_timeout', add: [{ path: 'connectionTimeoutMillis', value: 5000 }, { path: 'statement_timeout', value: 10000 }], safe: true },
      },
    ],
    default: '`connectionTimeoutMillis` 0, "no timeout"; `statement_timeout` and `query_timeout` unset, so a query waits as long as the server takes (node-postgres docs, `pg.Client` and `pg.Pool` config).',
    source: 'https://node-postgres.com/apis/pool',
  },
  {
    library: 'ioredis `Redis`',
    modules: ['ioredis'],
    exports: ['default', '*', 'Redis'],
    construct: 'new',
    options: 'last',
    // `maxRetriesPerRequest: null` is what BullMQ requires of its connections, whose blocking
    // commands (BRPOPLPUSH, BZPOPMIN) wait on purpose: a commandTimeout would break them.
    skipWhen: [{ key: 'maxRetriesPerRequest', values: ['null'] }],
    checks: [
      {
        rule: 'datastore-client-without-timeout',
        kind: 'bound',
        keys: ['commandTimeout'],
        disabling: OFF,
        url: { keys: [], pattern: /commandTimeout/ },
        message: 'ioredis client without `commandTimeout`: a command on a connection that stays up but stops answering waits forever (only `connectTimeout`, 10 s, bounds connecting). Set `commandTimeout`.',
        disabledMessage: 'ioredis `commandTimeout` turned off: a command on a stalled connection waits forever.',
        fix: { title: 'Add commandTimeout', add: [{ path: 'commandTimeout', value: 5000 }], safe: true },
      },
    ],
    default: '`commandTimeout` unset: no limit on a command (ioredis API docs, `RedisOptions.commandTimeout`); `connectTimeout` 10 s bounds connecting only; `maxRetriesPerRequest` 20 fails commands only while disconnected. A connection with `maxRetriesPerRequest: null` (what BullMQ requires) is left alone: its blocking commands wait on purpose.',
    source: 'https://redis.github.io/ioredis/interfaces/CommonRedisOptions.html#commandTimeout',
  },
  {
    library: 'MongoDB driver `MongoClient`',
    modules: ['mongodb'],
    exports: ['MongoClient'],
    construct: 'new',
    options: 1,
    checks: [
      {
        rule: 'datastore-client-without-timeout',
        kind: 'bound',
        keys: ['socketTimeoutMS'],
        disabling: ['0', 'null', 'Infinity'],
        absent: 'fine',
        message: '',
        disabledMessage: 'MongoDB client with `socketTimeoutMS: 0`: a socket that stops answering is never timed out, so an operation waits forever. Set a timeout above the slowest expected operation.',
        fix: { title: 'Set socketTimeoutMS', add: [{ path: 'socketTimeoutMS', value: 30000 }], safe: false },
      },
    ],
    default: '`socketTimeoutMS` 0 means never time out a socket (MongoDB Node driver docs, connection options); only an explicit 0 is flagged, since the default is also bounded by `serverSelectionTimeoutMS` (30 s) for selecting a server.',
    source: 'https://www.mongodb.com/docs/drivers/node/current/fundamentals/connection/connection-options/',
  },
  {
    library: 'mongoose `connect` / `createConnection`',
    modules: ['mongoose'],
    exports: ['connect', 'createConnection', 'default.connect', 'default.createConnection', '*.connect'],
    construct: 'call',
    options: 1,
    checks: [
      {
        rule: 'datastore-client-without-timeout',
        kind: 'bound',
        keys: ['socketTimeoutMS'],
        disabling: ['0', 'null', 'Infinity'],
        absent: 'fine',
        message: '',
        disabledMessage: 'mongoose connection with `socketTimeoutMS: 0`: a socket that stops answering is never timed out, so an operation waits forever. Set a timeout above the slowest expected operation.',
        fix: { title: 'Set socketTimeoutMS', add: [{ path: 'socketTimeoutMS', value: 30000 }], safe: false },
      },
    ],
    default: 'mongoose passes `socketTimeoutMS` to the MongoDB driver, where 0 means never (mongoose docs, "Connections": options).',
    source: 'https://mongoosejs.com/docs/connections.html#options',
  },
  {
    library: 'AWS SDK v3 clients (`@aws-sdk/client-*`)',
    modules: /^@aws-sdk\/client-[a-z0-9-]+$/,
    exports: /^[A-Z][A-Za-z0-9]*Client$/,
    construct: 'new',
    options: 0,
    checks: [
      {
        rule: 'aws-sdk-client-without-timeout',
        kind: 'bound',
        keys: ['requestHandler.requestTimeout', 'requestHandler.connectionTimeout', 'requestHandler.socketTimeout'],
        disabling: OFF,
        message: 'AWS SDK client without request timeouts: the default Node handler sets no `requestTimeout` or `connectionTimeout`, so a request to an endpoint that stops answering waits for the OS to give up. Set `requestHandler` timeouts with `throwOnRequestTimeout: true`.',
        disabledMessage: 'AWS SDK client with its request timeouts turned off (0 is no timeout).',
        fix: { title: 'Add requestHandler timeouts (requestTimeout, connectionTimeout, throwOnRequestTimeout)', add: [{ path: 'requestHandler.requestTimeout', value: 10000 }, { path: 'requestHandler.connectionTimeout', value: 3000 }, { path: 'requestHandler.throwOnRequestTimeout', value: 'true' }], safe: false },
        // Before 4.4.0 there is no `throwOnRequestTimeout`: an elapsed `requestTimeout` fails the request itself.
        needs: {
          package: SMITHY_HANDLER,
          since: THROW_ON_REQUEST_TIMEOUT_SINCE,
          older: {
            message: 'AWS SDK client without request timeouts: the default Node handler sets no `requestTimeout` or `connectionTimeout`, so a request to an endpoint that stops answering waits for the OS to give up. Set `requestHandler` timeouts: this @smithy/node-http-handler has no `throwOnRequestTimeout`, its `requestTimeout` fails the request.',
            fix: { title: 'Add requestHandler timeouts (requestTimeout, connectionTimeout)', add: [{ path: 'requestHandler.requestTimeout', value: 10000 }, { path: 'requestHandler.connectionTimeout', value: 3000 }], safe: false },
          },
        },
      },
      {
        rule: 'aws-sdk-client-without-timeout',
        kind: 'bound',
        keys: ['requestHandler.throwOnRequestTimeout', 'requestHandler.socketTimeout'],
        disabling: ['false', 'null', 'undefined', '0'],
        when: 'requestHandler.requestTimeout',
        message: 'AWS SDK `requestTimeout` without `throwOnRequestTimeout: true`: in the @smithy/node-http-handler versions that have that option, an elapsed `requestTimeout` only logs a warning and the request keeps waiting. Add `throwOnRequestTimeout: true`.',
        disabledMessage: 'AWS SDK `requestTimeout` with `throwOnRequestTimeout` off: an elapsed timeout only logs a warning and the request keeps waiting.',
        fix: { title: 'Add throwOnRequestTimeout: true', add: [{ path: 'requestHandler.throwOnRequestTimeout', value: 'true' }], safe: false },
        needs: { package: SMITHY_HANDLER, since: THROW_ON_REQUEST_TIMEOUT_SINCE, older: { skip: true } },
      },
    ],
    default: '`NodeHttpHandler` `requestTimeout`, `connectionTimeout` and `socketTimeout` (an idle-socket timeout, in recent versions) default to 0, no timeout (@smithy/node-http-handler, `NodeHttpHandlerOptions`); from 4.4.0 (published 2025-10-13), which added `throwOnRequestTimeout`, an elapsed `requestTimeout` only logs a warning unless it is true; before 4.4.0 it fails the request. `maxAttempts` (3) retries only what fails.',
    source: 'https://github.com/smithy-lang/smithy-typescript/blob/main/packages/node-http-handler/src/node-http-handler.ts',
  },
  {
    library: 'axios-retry',
    modules: ['axios-retry'],
    exports: ['default', '*', 'axiosRetry'],
    construct: 'call',
    options: 1,
    skipWhen: [{ key: 'retries', values: ['0'] }],
    checks: [
      {
        rule: 'retry-without-backoff',
        kind: 'bound',
        keys: ['retryDelay'],
        disabling: ['null', 'undefined'],
        message: 'axios-retry without `retryDelay`: its default delay is 0, so the retries (3 by default) hit a struggling dependency within milliseconds. Use `retryDelay: axiosRetry.exponentialDelay`.',
        fix: { title: 'Add retryDelay: exponentialDelay', add: [{ path: 'retryDelay', value: '$callee.exponentialDelay' }], safe: true },
      },
    ],
    default: '`retries` 3, `retryDelay` `() => 0`: no delay (axios-retry README, Options).',
    source: 'https://github.com/softonic/axios-retry#options',
  },
  {
    library: 'p-retry',
    modules: ['p-retry'],
    exports: ['default', '*'],
    construct: 'call',
    options: 1,
    checks: [
      {
        rule: 'retry-without-limit',
        kind: 'forbid',
        keys: ['forever'],
        values: ['true'],
        message: '',
        disabledMessage: 'p-retry with `forever: true` retries a failing call without end. Remove `forever` (the default is 10 retries with backoff) or set `retries`.',
      },
      {
        rule: 'retry-without-limit',
        kind: 'forbid',
        keys: ['retries'],
        values: ['Infinity'],
        message: '',
        disabledMessage: 'p-retry with `retries: Infinity` retries a failing call without end. Set a finite `retries`.',
      },
      {
        rule: 'retry-without-backoff',
        kind: 'forbid',
        keys: ['factor'],
        values: ['1'],
        message: '',
        disabledMessage: 'p-retry with `factor: 1` waits the same time before every retry: no backoff. Leave `factor` at its default (2).',
      },
    ],
    default: '`retries` 10 with exponential backoff (`factor` 2, `minTimeout` 1 s, `maxTimeout` Infinity) through the `retry` package (p-retry README); `forever: true` removes the limit.',
    source: 'https://github.com/sindresorhus/p-retry#options',
  },
  {
    library: 'async-retry',
    modules: ['async-retry'],
    exports: ['default', '*'],
    construct: 'call',
    options: 1,
    checks: [
      {
        rule: 'retry-without-backoff',
        kind: 'forbid',
        keys: ['factor'],
        values: ['1'],
        message: '',
        disabledMessage: 'async-retry with `factor: 1` waits the same time before every retry: no backoff. Leave `factor` at its default (2).',
      },
      {
        rule: 'retry-without-limit',
        kind: 'forbid',
        keys: ['retries'],
        values: ['Infinity'],
        message: '',
        disabledMessage: 'async-retry with `retries: Infinity` retries a failing call without end. Set a finite `retries`.',
      },
      {
        rule: 'retry-without-limit',
        kind: 'forbid',
        keys: ['forever'],
        values: ['true'],
        message: '',
        disabledMessage: 'async-retry with `forever: true` retries a failing call without end. Remove `forever`.',
      },
    ],
    default: '`retries` 10, `factor` 2, `minTimeout` 1 s, `randomize` true (async-retry README, passed to the `retry` package).',
    source: 'https://github.com/vercel/async-retry#api',
  },
  {
    library: 'retry (`retry.operation`)',
    modules: ['retry'],
    exports: ['operation', '*.operation', 'default.operation'],
    construct: 'call',
    options: 0,
    checks: [
      {
        rule: 'retry-without-limit',
        kind: 'forbid',
        keys: ['forever'],
        values: ['true'],
        message: '',
        disabledMessage: '`retry.operation({ forever: true })` retries a failing call without end. Remove `forever` or set `retries`.',
      },
      {
        rule: 'retry-without-backoff',
        kind: 'forbid',
        keys: ['factor'],
        values: ['1'],
        message: '',
        disabledMessage: '`retry.operation` with `factor: 1` waits the same time before every retry: no backoff. Leave `factor` at its default (2).',
      },
    ],
    default: '`retries` 10, `factor` 2, `minTimeout` 1 s (retry README, `retry.timeouts`).',
    source: 'https://github.com/tim-kos/node-retry#retrytimeoutsoptions',
  },
];

/** The rows' defaults for one rule, as Markdown list items for its docs. */
export function defaultsFor(rule: CallsRuleId): string {
  return CLIENTS.filter((row) => row.checks.some((c) => c.rule === rule))
    .map((row) => `- **${row.library}**: ${row.default} Source: ${row.source}`)
    .join('\n');
}
