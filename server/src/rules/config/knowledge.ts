// What the config rules know, as data: which names say "secret", which values are placeholders,
// which token shapes a vendor documents, which client options take a credential or a host, and
// which hosts live inside the cluster or on the machine. The walks (js-walk.ts, manifest-env.ts)
// read these tables and are language-specific; a Python walk reads the same tables.

/**
 * Environment variable names that say their value is a secret. The name is matched whole, upper
 * case, with `-`/`.` read as `_`. `*SECRET*` anywhere, other words as the last part of the name.
 */
export const SECRET_NAME_PATTERNS: readonly RegExp[] = [
  /SECRET/,
  /(?:^|_)(?:PASSWORD|PASSWD|PASS|PASSPHRASE)$/,
  /(?:^|_)(?:TOKEN|AUTH_TOKEN|ACCESS_TOKEN|REFRESH_TOKEN)$/,
  /(?:^|_)API_?KEY$/,
  /(?:^|_)PRIVATE_?KEY$/,
  /(?:^|_)(?:ACCESS_KEY|AUTH_KEY|ENCRYPTION_KEY|SIGNING_KEY|MASTER_KEY)$/,
];

/**
 * Suffixes that make a secret-sounding name something else: where the secret is (`_FILE`, `_PATH`,
 * `_ARN`, `_NAME`), how it is used (`_ALGORITHM`, `_EXPIRES_IN`, `_TTL`), or a switch (`_ENABLED`).
 */
export const NOT_SECRET_SUFFIX =
  /_(?:FILE|PATH|DIR|ARN|NAME|ID|REF|KEY_ID|URL|URI|HOST|PORT|USER|USERNAME|ALGORITHM|ALG|EXPIRES?_IN|EXPIRY|EXPIRATION|EXPIRE|TTL|LIFETIME|AGE|LENGTH|SIZE|HEADER|COOKIE_NAME|ENABLED|DISABLED|REQUIRED|TYPE|MODE|VERSION|METHOD|ROTATION|PREFIX|FIELD)$/;

/** Names whose value is a switch about a password rather than one (the mysql and mariadb images). */
export const NOT_SECRET_NAMES = new Set([
  'MYSQL_ALLOW_EMPTY_PASSWORD',
  'MYSQL_RANDOM_ROOT_PASSWORD',
  'MARIADB_ALLOW_EMPTY_ROOT_PASSWORD',
  'MARIADB_RANDOM_ROOT_PASSWORD',
  'POSTGRES_HOST_AUTH_METHOD',
]);

export function isSecretName(name: string): boolean {
  const upper = name.toUpperCase().replace(/[-.]/g, '_');
  if (NOT_SECRET_NAMES.has(upper) || NOT_SECRET_SUFFIX.test(upper)) return false;
  return SECRET_NAME_PATTERNS.some((p) => p.test(upper));
}

/** Values that stand in for a secret (compared lower case, whole). */
export const PLACEHOLDER_VALUES = new Set([
  '', 'changeme', 'change-me', 'change_me', 'changeit', 'change-this', 'changethis', 'password', 'passwd', 'pass',
  'secret', 'example', 'xxx', 'dummy', 'test', 'testing', 'placeholder', 'redacted', 'todo', 'tbd', 'none', 'null',
  'undefined', 'sample', 'foo', 'bar', 'foobar', 'mysecret', 'my-secret', 'your_secret', 'yoursecret', 'supersecret-placeholder',
  'secret-key', 'secret_key', 'secretkey', 'my-secret-key',
]);

/** Shapes of a stand-in: `<password>`, `${VAR}`, `{{ .Values.x }}`, `$(VAR)`, `your-...`, `***`, `xxxx`, `%PASSWORD%`. */
export const PLACEHOLDER_PATTERNS: readonly RegExp[] = [
  /^<[^<>]*>$/,
  /\$\{[^}]*\}/,
  /\{\{[^}]*\}\}/,
  /\$\([^)]*\)/,
  /^\$[A-Za-z_][A-Za-z0-9_]*$/,
  /^%[A-Za-z_]+%$/,
  /^(?:your|my|enter|insert|put|replace|add)[-_ ]/i,
  /^[x*•.#_-]+$/i,
  // `DEMO_KEY` (api.data.gov's published public key), `demo-token`: a value that names itself a demo.
  /(?:^|[-_ ])(?:change[-_ ]?me|changeit|example|placeholder|dummy|redacted|fake|sample|demo)(?:$|[-_ ])/i,
  /^(?:test|dev|local)[-_]?(?:secret|password|token|key)?$/i,
];

export function isPlaceholder(value: string): boolean {
  const trimmed = value.trim();
  if (PLACEHOLDER_VALUES.has(trimmed.toLowerCase())) return true;
  return PLACEHOLDER_PATTERNS.some((p) => p.test(trimmed));
}

/** A value that cannot be a credential: a switch, a number, a path to a file that holds one. */
export function isNotCredentialValue(value: string): boolean {
  const v = value.trim();
  return /^(?:true|false|yes|no|on|off|\d+)$/i.test(v) || /^(?:\/|\.\/|~\/)[^\s]*$/.test(v) || /^[a-z][a-z0-9+.-]*:\/\/[^\s:@/]*(?:[/:?#]|$)/i.test(v);
}

/** The mask a message shows instead of a secret: its first two characters. */
export function mask(secret: string): string {
  return `${[...secret].slice(0, 2).join('')}…`;
}

/**
 * Token shapes that vendors publish, so they are recognised without guessing: each row cites where the
 * prefix is documented and names the environment variable a fix reads it from.
 */
export interface VendorToken {
  vendor: string;
  pattern: RegExp;
  env: string;
  source: string;
}

export const VENDOR_TOKENS: readonly VendorToken[] = [
  { vendor: 'an AWS access key id', pattern: /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/, env: 'AWS_ACCESS_KEY_ID', source: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html#identifiers-unique-ids' },
  { vendor: 'a GitHub token', pattern: /\b(?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{36}\b/, env: 'GITHUB_TOKEN', source: 'https://github.blog/2021-04-05-behind-githubs-new-authentication-token-formats/' },
  { vendor: 'a GitHub fine-grained token', pattern: /\bgithub_pat_[A-Za-z0-9_]{22,}\b/, env: 'GITHUB_TOKEN', source: 'https://github.blog/2022-10-18-introducing-fine-grained-personal-access-tokens-for-github/' },
  { vendor: 'a Slack token', pattern: /\bxox[bpoas]-[0-9]{6,}-[0-9A-Za-z-]{6,}/, env: 'SLACK_TOKEN', source: 'https://api.slack.com/authentication/token-types' },
  { vendor: 'a Slack webhook URL', pattern: /https:\/\/hooks\.slack\.com\/services\/T[A-Z0-9]{6,}\/B[A-Z0-9]{6,}\/[A-Za-z0-9]{16,}/, env: 'SLACK_WEBHOOK_URL', source: 'https://api.slack.com/messaging/webhooks' },
  { vendor: 'a Stripe live key', pattern: /\b(?:sk|rk)_live_[0-9A-Za-z]{16,}\b/, env: 'STRIPE_SECRET_KEY', source: 'https://docs.stripe.com/keys' },
  { vendor: 'a Google API key', pattern: /\bAIza[0-9A-Za-z_-]{35}\b/, env: 'GOOGLE_API_KEY', source: 'https://cloud.google.com/docs/authentication/api-keys' },
  { vendor: 'a SendGrid API key', pattern: /\bSG\.[0-9A-Za-z_-]{22}\.[0-9A-Za-z_-]{43}\b/, env: 'SENDGRID_API_KEY', source: 'https://docs.sendgrid.com/ui/account-and-settings/api-keys' },
  { vendor: 'an npm token', pattern: /\bnpm_[A-Za-z0-9]{36}\b/, env: 'NPM_TOKEN', source: 'https://github.blog/2021-09-23-announcing-npms-new-access-token-format/' },
];

export function vendorToken(text: string): { token: VendorToken; index: number; match: string } | undefined {
  for (const token of VENDOR_TOKENS) {
    const m = token.pattern.exec(text);
    if (m && !isPlaceholder(m[0]) && !/(?:X{6,}|0{8,}|EXAMPLE)/.test(m[0])) return { token, index: m.index, match: m[0] };
  }
  return undefined;
}

/** A password in a URL's userinfo (`postgres://app:s3cret@db/app`), with where it sits in the text. */
export function urlPassword(text: string): { start: number; end: number; password: string; scheme: string } | undefined {
  const m = /\b([a-z][a-z0-9+.-]*):\/\/([^\s:@/'"`]*):([^\s@/'"`]+)@[^\s@/'"`]/i.exec(text);
  if (!m) return undefined;
  const password = m[3];
  // `postgres:postgres@`, `guest:guest@`: a stack's well-known default, not a secret anyone keeps.
  if (password === m[2]) return undefined;
  const start = m.index + m[1].length + 3 + m[2].length + 1;
  if (isPlaceholder(password) || isPlaceholder(decodeSafe(password))) return undefined;
  return { start, end: start + password.length, password, scheme: m[1].toLowerCase() };
}

function decodeSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

// ---- Clients ---------------------------------------------------------------------------------

export type ClientKind = 'http' | 'postgres' | 'mysql' | 'mongodb' | 'redis' | 'amqp' | 'kafka' | 'sql' | 'mail' | 'jwt' | 'session' | 'aws' | 'nats' | 'mqtt' | 'elasticsearch' | 'vendor';

/**
 * One row per client module: what it connects to, and the environment variable names a fix reads its
 * credential and its address from (each library's own convention where it has one).
 */
export interface ClientRow {
  modules: readonly string[];
  kind: ClientKind;
  /** The variable holding its password or secret. */
  secretEnv: string;
  /** The variable holding its address (a URL, or a host for `host:` options). */
  urlEnv: string;
  hostEnv: string;
  /** Members whose object arguments describe data (schemas, models), not the client's options. */
  dataMembers?: readonly string[];
  /** `host` in its options may be a server's own bind address (Nest's TCP transport), not a dependency's. */
  hostMayBeBind?: boolean;
  /** Positional arguments that are a credential: `jwt.sign(payload, secret)`. Keyed by the called member. */
  secretArgs?: Readonly<Record<string, number>>;
  /** Positional arguments that are an address: `mongoose.connect(uri)`, `new Redis(url)`. Keyed by member (`''` for the module itself). */
  urlArgs?: Readonly<Record<string, number>>;
  source: string;
}

export const CLIENTS: readonly ClientRow[] = [
  { modules: ['pg', 'pg-pool', 'postgres', 'pg-promise'], kind: 'postgres', secretEnv: 'PGPASSWORD', urlEnv: 'DATABASE_URL', hostEnv: 'PGHOST', urlArgs: { '': 0, Client: 0, Pool: 0 }, source: 'https://node-postgres.com/features/connecting' },
  { modules: ['mysql', 'mysql2', 'mysql2/promise', 'mariadb'], kind: 'mysql', secretEnv: 'MYSQL_PASSWORD', urlEnv: 'DATABASE_URL', hostEnv: 'MYSQL_HOST', urlArgs: { createConnection: 0, createPool: 0 }, source: 'https://sidorares.github.io/node-mysql2/docs' },
  { modules: ['mongoose'], kind: 'mongodb', secretEnv: 'MONGODB_PASSWORD', urlEnv: 'MONGODB_URI', hostEnv: 'MONGODB_HOST', dataMembers: ['Schema', 'model', 'Model', 'Types', 'Document'], urlArgs: { connect: 0, createConnection: 0 }, source: 'https://mongoosejs.com/docs/connections.html' },
  { modules: ['mongodb'], kind: 'mongodb', secretEnv: 'MONGODB_PASSWORD', urlEnv: 'MONGODB_URI', hostEnv: 'MONGODB_HOST', urlArgs: { MongoClient: 0, connect: 0 }, source: 'https://www.mongodb.com/docs/drivers/node/current/fundamentals/connection/connect/' },
  { modules: ['ioredis', 'redis', '@redis/client'], kind: 'redis', secretEnv: 'REDIS_PASSWORD', urlEnv: 'REDIS_URL', hostEnv: 'REDIS_HOST', urlArgs: { '': 0, default: 0, Redis: 0, Cluster: 0 }, source: 'https://github.com/redis/ioredis#connect-to-redis' },
  { modules: ['amqplib', 'amqplib/callback_api', 'amqp-connection-manager'], kind: 'amqp', secretEnv: 'AMQP_PASSWORD', urlEnv: 'AMQP_URL', hostEnv: 'AMQP_HOST', urlArgs: { connect: 0 }, source: 'https://amqp-node.github.io/amqplib/channel_api.html#connect' },
  { modules: ['kafkajs'], kind: 'kafka', secretEnv: 'KAFKA_PASSWORD', urlEnv: 'KAFKA_BROKERS', hostEnv: 'KAFKA_BROKERS', source: 'https://kafka.js.org/docs/configuration' },
  { modules: ['knex', 'sequelize', 'typeorm', '@mikro-orm/core', 'tedious', 'mssql', 'oracledb'], kind: 'sql', secretEnv: 'DB_PASSWORD', urlEnv: 'DATABASE_URL', hostEnv: 'DB_HOST', dataMembers: ['define', 'Model', 'Column', 'Entity', 'PrimaryGeneratedColumn', 'DataTypes', 'init'], urlArgs: { '': 0, default: 0, Sequelize: 0, connect: 0 }, source: 'https://knexjs.org/guide/#configuration-options' },
  { modules: ['nodemailer'], kind: 'mail', secretEnv: 'SMTP_PASSWORD', urlEnv: 'SMTP_URL', hostEnv: 'SMTP_HOST', urlArgs: { createTransport: 0 }, source: 'https://nodemailer.com/smtp/' },
  { modules: ['jsonwebtoken', 'jose'], kind: 'jwt', secretEnv: 'JWT_SECRET', urlEnv: 'JWT_ISSUER_URL', hostEnv: 'JWT_ISSUER_URL', secretArgs: { sign: 1, verify: 1 }, source: 'https://github.com/auth0/node-jsonwebtoken#usage' },
  { modules: ['@nestjs/typeorm', '@nestjs/sequelize', '@mikro-orm/nestjs', '@nestjs/mongoose'], kind: 'sql', secretEnv: 'DB_PASSWORD', urlEnv: 'DATABASE_URL', hostEnv: 'DB_HOST', source: 'https://docs.nestjs.com/techniques/database' },
  { modules: ['@nestjs/microservices'], kind: 'amqp', secretEnv: 'BROKER_PASSWORD', urlEnv: 'BROKER_URL', hostEnv: 'BROKER_HOST', hostMayBeBind: true, source: 'https://docs.nestjs.com/microservices/basics' },
  { modules: ['@nestjs/jwt', 'passport-jwt', 'express-jwt', '@fastify/jwt', 'koa-jwt'], kind: 'jwt', secretEnv: 'JWT_SECRET', urlEnv: 'JWT_ISSUER_URL', hostEnv: 'JWT_ISSUER_URL', source: 'https://github.com/mikenicholson/passport-jwt#configure-strategy' },
  { modules: ['express-session', 'cookie-session', '@fastify/session', '@fastify/secure-session', 'koa-session', 'iron-session'], kind: 'session', secretEnv: 'SESSION_SECRET', urlEnv: 'SESSION_STORE_URL', hostEnv: 'SESSION_STORE_HOST', source: 'https://github.com/expressjs/session#secret' },
  { modules: ['cookie-parser', '@fastify/cookie'], kind: 'session', secretEnv: 'COOKIE_SECRET', urlEnv: 'COOKIE_SECRET', hostEnv: 'COOKIE_SECRET', secretArgs: { '': 0, default: 0 }, source: 'https://github.com/expressjs/cookie-parser#cookieparsersecret-options' },
  { modules: ['aws-sdk', '@aws-sdk/client-s3', '@aws-sdk/client-sqs', '@aws-sdk/client-sns', '@aws-sdk/client-dynamodb', '@aws-sdk/lib-dynamodb', '@aws-sdk/client-ses', '@aws-sdk/client-secrets-manager', '@aws-sdk/client-lambda', '@aws-sdk/client-kinesis'], kind: 'aws', secretEnv: 'AWS_SECRET_ACCESS_KEY', urlEnv: 'AWS_ENDPOINT_URL', hostEnv: 'AWS_ENDPOINT_URL', source: 'https://docs.aws.amazon.com/sdk-for-javascript/v3/developer-guide/setting-credentials-node.html' },
  { modules: ['nats'], kind: 'nats', secretEnv: 'NATS_PASSWORD', urlEnv: 'NATS_URL', hostEnv: 'NATS_URL', source: 'https://github.com/nats-io/nats.js#connecting-to-a-nats-server' },
  { modules: ['mqtt'], kind: 'mqtt', secretEnv: 'MQTT_PASSWORD', urlEnv: 'MQTT_URL', hostEnv: 'MQTT_HOST', urlArgs: { connect: 0, connectAsync: 0 }, source: 'https://github.com/mqttjs/MQTT.js#connect' },
  { modules: ['@elastic/elasticsearch'], kind: 'elasticsearch', secretEnv: 'ELASTICSEARCH_PASSWORD', urlEnv: 'ELASTICSEARCH_URL', hostEnv: 'ELASTICSEARCH_URL', source: 'https://www.elastic.co/guide/en/elasticsearch/client/javascript-api/current/client-connecting.html' },
  { modules: ['stripe'], kind: 'vendor', secretEnv: 'STRIPE_SECRET_KEY', urlEnv: 'STRIPE_API_URL', hostEnv: 'STRIPE_API_HOST', secretArgs: { '': 0, default: 0, Stripe: 0 }, source: 'https://docs.stripe.com/keys' },
  { modules: ['twilio'], kind: 'vendor', secretEnv: 'TWILIO_AUTH_TOKEN', urlEnv: 'TWILIO_API_URL', hostEnv: 'TWILIO_API_HOST', secretArgs: { '': 1, default: 1, Twilio: 1 }, source: 'https://www.twilio.com/docs/libraries/reference/twilio-node' },
  { modules: ['@sendgrid/mail'], kind: 'vendor', secretEnv: 'SENDGRID_API_KEY', urlEnv: 'SENDGRID_API_URL', hostEnv: 'SENDGRID_API_HOST', secretArgs: { setApiKey: 0 }, source: 'https://github.com/sendgrid/sendgrid-nodejs/tree/main/packages/mail' },
  { modules: ['openai', '@anthropic-ai/sdk'], kind: 'vendor', secretEnv: 'OPENAI_API_KEY', urlEnv: 'OPENAI_BASE_URL', hostEnv: 'OPENAI_BASE_URL', source: 'https://github.com/openai/openai-node#usage' },
  // HTTP clients: only their addresses matter here (credentials in their headers are found by shape).
  { modules: ['axios'], kind: 'http', secretEnv: 'API_TOKEN', urlEnv: 'API_URL', hostEnv: 'API_HOST', urlArgs: { '': 0, default: 0, get: 0, post: 0, put: 0, patch: 0, delete: 0, head: 0, options: 0, request: -1 }, source: 'https://axios-http.com/docs/api_intro' },
  { modules: ['got'], kind: 'http', secretEnv: 'API_TOKEN', urlEnv: 'API_URL', hostEnv: 'API_HOST', urlArgs: { '': 0, default: 0, get: 0, post: 0, put: 0, patch: 0, delete: 0, head: 0 }, source: 'https://github.com/sindresorhus/got/blob/main/documentation/2-options.md' },
  { modules: ['node-fetch', 'cross-fetch', 'undici', 'ky', 'superagent', 'request', 'request-promise', 'needle'], kind: 'http', secretEnv: 'API_TOKEN', urlEnv: 'API_URL', hostEnv: 'API_HOST', urlArgs: { '': 0, default: 0, fetch: 0, request: 0, get: 0, post: 0, put: 0, patch: 0, delete: 0 }, source: 'https://github.com/node-fetch/node-fetch#api' },
];

/**
 * Python clients, one row per library: the qualified calls that make or use it, the positional
 * arguments that are its address or its credential, and the environment variables a fix reads
 * them from. Keyword arguments are read by name (PY_CREDENTIAL_KEYWORDS, PY_URL_KEYWORDS,
 * PY_HOST_KEYWORDS), and so are the keys of a configuration dictionary passed to the call.
 */
export interface PyClientRow {
  calls: readonly string[];
  kind: ClientKind;
  secretEnv: string;
  urlEnv: string;
  hostEnv: string;
  /** Positional argument that is a URL / DSN. */
  urlArg?: number;
  /** Positional argument that is a bare host. */
  hostArg?: number;
  /** Positional argument that is a secret: `jwt.encode(payload, key)`. */
  secretArg?: number;
  source: string;
}

const HTTP_VERBS = ['get', 'post', 'put', 'patch', 'delete', 'head', 'options'];

export const PY_CLIENTS: readonly PyClientRow[] = [
  { calls: ['psycopg2.connect', 'psycopg.connect', 'psycopg.AsyncConnection.connect', 'psycopg.Connection.connect', 'psycopg_pool.ConnectionPool', 'psycopg_pool.AsyncConnectionPool', 'psycopg2.pool.SimpleConnectionPool', 'psycopg2.pool.ThreadedConnectionPool', 'asyncpg.connect', 'asyncpg.create_pool', 'aiopg.connect', 'aiopg.create_pool'], kind: 'postgres', secretEnv: 'PGPASSWORD', urlEnv: 'DATABASE_URL', hostEnv: 'PGHOST', urlArg: 0, source: 'https://www.psycopg.org/docs/module.html#psycopg2.connect' },
  { calls: ['pymysql.connect', 'pymysql.connections.Connection', 'MySQLdb.connect', 'mysql.connector.connect', 'aiomysql.connect', 'aiomysql.create_pool'], kind: 'mysql', secretEnv: 'MYSQL_PASSWORD', urlEnv: 'DATABASE_URL', hostEnv: 'MYSQL_HOST', source: 'https://pymysql.readthedocs.io/en/latest/modules/connections.html' },
  { calls: ['redis.Redis', 'redis.StrictRedis', 'redis.client.Redis', 'redis.asyncio.Redis', 'redis.sentinel.Sentinel'], kind: 'redis', secretEnv: 'REDIS_PASSWORD', urlEnv: 'REDIS_URL', hostEnv: 'REDIS_HOST', hostArg: 0, source: 'https://redis-py.readthedocs.io/en/stable/connections.html' },
  { calls: ['redis.from_url', 'redis.Redis.from_url', 'redis.StrictRedis.from_url', 'redis.asyncio.from_url', 'redis.asyncio.Redis.from_url', 'aioredis.from_url'], kind: 'redis', secretEnv: 'REDIS_PASSWORD', urlEnv: 'REDIS_URL', hostEnv: 'REDIS_HOST', urlArg: 0, source: 'https://redis-py.readthedocs.io/en/stable/connections.html#redis.Redis.from_url' },
  { calls: ['pymongo.MongoClient', 'motor.motor_asyncio.AsyncIOMotorClient', 'mongoengine.connect'], kind: 'mongodb', secretEnv: 'MONGODB_PASSWORD', urlEnv: 'MONGODB_URI', hostEnv: 'MONGODB_HOST', urlArg: 0, source: 'https://pymongo.readthedocs.io/en/stable/api/pymongo/mongo_client.html' },
  { calls: ['sqlalchemy.create_engine', 'sqlalchemy.ext.asyncio.create_async_engine', 'sqlalchemy.engine.create_engine', 'sqlalchemy.URL.create', 'sqlalchemy.engine.URL.create', 'databases.Database', 'peewee.PostgresqlDatabase', 'peewee.MySQLDatabase'], kind: 'sql', secretEnv: 'DB_PASSWORD', urlEnv: 'DATABASE_URL', hostEnv: 'DB_HOST', urlArg: 0, source: 'https://docs.sqlalchemy.org/en/20/core/engines.html#database-urls' },
  { calls: ['pika.URLParameters', 'aio_pika.connect', 'aio_pika.connect_robust', 'kombu.Connection', 'celery.Celery'], kind: 'amqp', secretEnv: 'AMQP_PASSWORD', urlEnv: 'AMQP_URL', hostEnv: 'AMQP_HOST', source: 'https://pika.readthedocs.io/en/stable/modules/parameters.html' },
  { calls: ['pika.ConnectionParameters'], kind: 'amqp', secretEnv: 'AMQP_PASSWORD', urlEnv: 'AMQP_URL', hostEnv: 'AMQP_HOST', hostArg: 0, source: 'https://pika.readthedocs.io/en/stable/modules/parameters.html' },
  { calls: ['pika.PlainCredentials', 'pika.credentials.PlainCredentials'], kind: 'amqp', secretEnv: 'AMQP_PASSWORD', urlEnv: 'AMQP_URL', hostEnv: 'AMQP_HOST', secretArg: 1, source: 'https://pika.readthedocs.io/en/stable/modules/credentials.html' },
  { calls: ['kafka.KafkaConsumer', 'kafka.KafkaProducer', 'kafka.KafkaAdminClient', 'aiokafka.AIOKafkaConsumer', 'aiokafka.AIOKafkaProducer', 'confluent_kafka.Consumer', 'confluent_kafka.Producer', 'confluent_kafka.DeserializingConsumer', 'confluent_kafka.SerializingProducer'], kind: 'kafka', secretEnv: 'KAFKA_PASSWORD', urlEnv: 'KAFKA_BOOTSTRAP_SERVERS', hostEnv: 'KAFKA_BOOTSTRAP_SERVERS', source: 'https://kafka-python.readthedocs.io/en/master/apidoc/KafkaConsumer.html' },
  { calls: ['jwt.encode', 'jwt.decode', 'jose.jwt.encode', 'jose.jwt.decode'], kind: 'jwt', secretEnv: 'JWT_SECRET', urlEnv: 'JWT_ISSUER_URL', hostEnv: 'JWT_ISSUER_URL', secretArg: 1, source: 'https://pyjwt.readthedocs.io/en/stable/api.html#jwt.encode' },
  { calls: ['boto3.client', 'boto3.resource', 'boto3.Session', 'boto3.session.Session', 'aioboto3.Session'], kind: 'aws', secretEnv: 'AWS_SECRET_ACCESS_KEY', urlEnv: 'AWS_ENDPOINT_URL', hostEnv: 'AWS_ENDPOINT_URL', source: 'https://boto3.amazonaws.com/v1/documentation/api/latest/guide/credentials.html' },
  { calls: ['requests.request', 'httpx.request'], kind: 'http', secretEnv: 'API_TOKEN', urlEnv: 'API_URL', hostEnv: 'API_HOST', urlArg: 1, source: 'https://requests.readthedocs.io/en/latest/api/#requests.request' },
  { calls: [...['requests', 'httpx'].flatMap((m) => HTTP_VERBS.map((v) => `${m}.${v}`)), 'urllib.request.urlopen', 'urllib.request.Request'], kind: 'http', secretEnv: 'API_TOKEN', urlEnv: 'API_URL', hostEnv: 'API_HOST', urlArg: 0, source: 'https://www.python-httpx.org/api/' },
  { calls: ['httpx.Client', 'httpx.AsyncClient', 'aiohttp.ClientSession'], kind: 'http', secretEnv: 'API_TOKEN', urlEnv: 'API_URL', hostEnv: 'API_HOST', source: 'https://www.python-httpx.org/advanced/clients/' },
  { calls: ['requests.auth.HTTPBasicAuth', 'requests.auth.HTTPDigestAuth', 'httpx.BasicAuth', 'aiohttp.BasicAuth'], kind: 'http', secretEnv: 'API_PASSWORD', urlEnv: 'API_URL', hostEnv: 'API_HOST', secretArg: 1, source: 'https://requests.readthedocs.io/en/latest/user/authentication/' },
  { calls: ['elasticsearch.Elasticsearch', 'elasticsearch.AsyncElasticsearch'], kind: 'elasticsearch', secretEnv: 'ELASTICSEARCH_PASSWORD', urlEnv: 'ELASTICSEARCH_URL', hostEnv: 'ELASTICSEARCH_URL', urlArg: 0, source: 'https://elasticsearch-py.readthedocs.io/en/stable/api/elasticsearch.html' },
  { calls: ['smtplib.SMTP', 'smtplib.SMTP_SSL', 'aiosmtplib.SMTP'], kind: 'mail', secretEnv: 'SMTP_PASSWORD', urlEnv: 'SMTP_URL', hostEnv: 'SMTP_HOST', hostArg: 0, source: 'https://docs.python.org/3/library/smtplib.html' },
  { calls: ['openai.OpenAI', 'openai.AsyncOpenAI', 'anthropic.Anthropic', 'anthropic.AsyncAnthropic'], kind: 'vendor', secretEnv: 'OPENAI_API_KEY', urlEnv: 'OPENAI_BASE_URL', hostEnv: 'OPENAI_BASE_URL', source: 'https://github.com/openai/openai-python#usage' },
  { calls: ['twilio.rest.Client'], kind: 'vendor', secretEnv: 'TWILIO_AUTH_TOKEN', urlEnv: 'TWILIO_API_URL', hostEnv: 'TWILIO_API_HOST', secretArg: 1, source: 'https://www.twilio.com/docs/libraries/reference/twilio-python' },
  { calls: ['sendgrid.SendGridAPIClient'], kind: 'vendor', secretEnv: 'SENDGRID_API_KEY', urlEnv: 'SENDGRID_API_URL', hostEnv: 'SENDGRID_API_HOST', secretArg: 0, source: 'https://github.com/sendgrid/sendgrid-python#quick-start' },
];

/** The global `fetch` (Node 18+), read like a row. */
export const GLOBAL_FETCH: ClientRow = { modules: [], kind: 'http', secretEnv: 'API_TOKEN', urlEnv: 'API_URL', hostEnv: 'API_HOST', urlArgs: { '': 0 }, source: 'https://nodejs.org/api/globals.html#fetch' };

export function clientFor(module: string): ClientRow | undefined {
  return CLIENTS.find((row) => row.modules.includes(module) || (module.startsWith('@aws-sdk/') && row.kind === 'aws'));
}

/**
 * Whether a file's text could bind a name to a client module: a binding to one is always made from the module's name as a
 * string (`from 'pg'`, `require("pg")`, `import(\`pg\`)`), so text without any of them binds none (the walk then skips
 * resolving callees, its most frequent question).
 */
export function mayBindClientModule(text: string): boolean {
  return CLIENT_MODULE_TEXT.test(text);
}

const CLIENT_MODULE_TEXT = new RegExp(
  `['"\`](?:${[...new Set(CLIENTS.flatMap((row) => row.modules))].map((m) => m.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')).join('|')}|@aws-sdk\\/[^'"\`]*)['"\`]`,
);

/** Option names that hold a credential in a client's options (compared case-insensitively, `_`/`-` ignored). */
export const CREDENTIAL_OPTIONS = new Set([
  'password', 'pass', 'passwd', 'secret', 'apikey', 'token', 'accesstoken', 'authtoken', 'secretaccesskey', 'clientsecret',
  'secretorkey', 'secretorprivatekey', 'privatekey', 'sasl.password', 'passphrase',
]);

/** Option names that hold an address in a client's options. */
export const URL_OPTIONS = new Set(['url', 'urls', 'uri', 'baseurl', 'prefixurl', 'connectionstring', 'connectionuri', 'endpoint', 'node', 'nodes', 'servers']);
export const HOST_OPTIONS = new Set(['host', 'hostname', 'server', 'brokers']);

/** Python keyword (and configuration key) names that hold a credential, compared lower case with `_`, `-` and `.` removed. */
export const PY_CREDENTIAL_KEYWORDS = new Set([...[...CREDENTIAL_OPTIONS].map((o) => o.replace(/\./g, '')), 'awssecretaccesskey', 'awssessiontoken', 'saslplainpassword', 'saslpassword', 'sslpassword', 'apikey']);
/** Python keyword names that hold an address. */
export const PY_URL_KEYWORDS = new Set([...URL_OPTIONS, 'dsn', 'conninfo', 'endpointurl', 'baseurl', 'broker', 'brokerurl']);
/** Python keyword names that hold a host (or `host:port`, a list of them). */
export const PY_HOST_KEYWORDS = new Set([...HOST_OPTIONS, 'bootstrapservers', 'hosts']);

export function normaliseOption(name: string): string {
  return name.toLowerCase().replace(/[-_]/g, '');
}

// ---- Hosts -----------------------------------------------------------------------------------

/** Why a host is inside the cluster or on the machine, or undefined for a public one (or one we cannot tell). */
export function internalHost(host: string): string | undefined {
  const h = host.toLowerCase().replace(/^\[|\]$/g, '').replace(/\.$/, '');
  // A cloud's metadata server is at the same fixed name in every environment (GCE docs, "About VM metadata").
  if (h === 'metadata.google.internal') return undefined;
  if (h === 'localhost' || h.endsWith('.localhost')) return 'this machine';
  // `0.0.0.0` and `::` are where a server listens, not an address anything connects to.
  if (/^127\.\d+\.\d+\.\d+$/.test(h) || h === '::1') return 'this machine';
  if (/^10\.\d+\.\d+\.\d+$/.test(h) || /^192\.168\.\d+\.\d+$/.test(h) || /^172\.(?:1[6-9]|2\d|3[01])\.\d+\.\d+$/.test(h)) return 'a private network address';
  if (/\.svc(?:\.cluster\.local)?$/.test(h) || h.endsWith('.cluster.local')) return 'a Kubernetes service name';
  if (h.endsWith('.internal')) return 'an internal DNS name';
  // A single DNS label: a compose service or a Kubernetes service in the same namespace.
  if (/^[a-z][a-z0-9-]*[a-z0-9]$/.test(h) && /[a-z]/.test(h)) return 'a name only the cluster or compose network resolves';
  return undefined;
}

/** Host (and where it sits) of a URL or `host[:port]` at the start of `text`. */
export function hostOf(text: string): { host: string; start: number; end: number; hasScheme: boolean } | undefined {
  const url = /^([a-z][a-z0-9+.-]*):\/\/(?:[^\s@/]*@)?(\[[0-9a-f:]+\]|[^\s:/?#,@]+)/i.exec(text);
  if (url) {
    const end = url.index + url[0].length;
    return { host: url[2], start: end - url[2].length, end, hasScheme: true };
  }
  const bare = /^(\[[0-9a-f:]+\]|[a-z0-9][a-z0-9.-]*)(?::\d+)?$/i.exec(text);
  if (bare) return { host: bare[1], start: 0, end: bare[1].length, hasScheme: false };
  return undefined;
}

/** Schemes of clients the rule knows; a `file://` or `data:` string is not a dependency. */
export const SERVICE_SCHEMES = new Set([
  'http', 'https', 'ws', 'wss', 'postgres', 'postgresql', 'mysql', 'mariadb', 'mongodb', 'mongodb+srv', 'redis', 'rediss',
  'amqp', 'amqps', 'nats', 'mqtt', 'mqtts', 'smtp', 'smtps', 'mssql', 'sqlserver', 'tcp',
]);
