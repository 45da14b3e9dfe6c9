// datastore-client-without-timeout: a database or cache client that can wait forever for a
// connection or a reply. The clients are rows of the CLIENTS table (clients.ts).

import type { Rule } from '../../engine/types';
import { defaultsFor } from './clients';
import { pythonCallFindings, pythonCallFixes, pythonDefaultsFor } from './python-clients';
import { findingsOf, fixesOf, tableProblems } from './constructions';

const ID = 'datastore-client-without-timeout';

export const datastoreClientWithoutTimeout: Rule = {
  id: ID,
  family: 'calls',
  kinds: ['js', 'python'],
  roles: ['service'],
  defaultSeverity: 'information',
  fix: 'sometimes-safe',
  summary: 'A database or cache client (pg, ioredis, redis-py, psycopg, asyncpg, ...) that can wait forever.',
  docs: {
    whatItDoes: [
      'Flags the construction of a database or cache client whose options leave every wait unbounded: a pg `Pool` or `Client` with neither `connectionTimeoutMillis` nor `statement_timeout` / `query_timeout` (in the options, or in a literal connection string: `?options=-c statement_timeout=5000`, `?statement_timeout=...`); an ioredis client without `commandTimeout`; a MongoDB `MongoClient` or mongoose connection with `socketTimeoutMS: 0`. A value that turns a bound off (`0`, `null`, `Infinity`) counts as missing and gets its own message, on the value.',
      '',
      'Clients and their defaults:',
      '',
      defaultsFor(ID),
      '',
      '**Python**: the same concern in the Python clients (one row each, `**kwargs` and options from elsewhere are unknown):',
      pythonDefaultsFor(ID),
      '',
      'SQLAlchemy\'s timeouts are its driver\'s, so an engine is read by the scheme of its URL: a literal, or an f-string that writes out the scheme and the `/` before the database name (`f"postgresql://{user}:{password}@{host}/{db}"`, whose interpolations are parts of the URL, not a query). A URL from a setting or the environment names no driver: unknown, no finding. `pool_timeout` (30 s by default) bounds waiting for a pooled connection, which is why only the driver\'s connect and statement timeouts are asked for. MySQL drivers, `sqlite://` (a local file) and URLs built with `URL.create(...)` are not checked. boto3 is not a row: botocore bounds every client by default (see aws-sdk-client-without-timeout). Celery and kombu brokers are not rows either (RULES.md does not list them).',
      '',
      'How long "forever" is: a pool with no `connectionTimeoutMillis` queues each request until a connection frees up, so when the database is saturated or unreachable behind a proxy that accepts connections, requests pile up without bound. A query or a command on a connection that is up but no longer answering (a failover, a dropped NAT entry, a lock held elsewhere) waits until TCP gives up: on Linux about 15 minutes of retransmissions for data sent and not acknowledged (`tcp_retries2` = 15), and never when the request went out and the reply simply does not come, unless TCP keepalive is on (pg and ioredis enable it, which bounds dead peers after roughly 2 hours by default, not slow ones). That is why this is information, not a warning.',
      '',
      'Options from a parameter, a function call or another module, and spreads of unknown objects, are unknown: no finding. A connection string read from the environment is assumed to carry no timeout (put it in code, or ignore the finding when your URLs do carry one). Clients created in another file are not followed. `new Redis.Cluster(...)` is not checked yet.',
    ].join('\n'),
    whyItMatters:
      'Checklist: "Timeouts: all external calls have explicit timeouts". A database or cache is an external call like any other: when it slows down or a connection stalls, a client with no timeout holds the request, its memory and its pool slot, and the service stops answering long before the database recovers. A timeout turns that into a fast, visible error that a retry, a circuit breaker or a 503 can handle.',
    example: {
      path: 'src/db.ts',
      code: "import { Pool } from 'pg';\nimport Redis from 'ioredis';\n\nexport const pool = new Pool({ connectionString: process.env.DATABASE_URL, max: 10 });\nexport const redis = new Redis(process.env.REDIS_URL);\n",
    },
    useInstead: {
      path: 'src/db.ts',
      code: "import { Pool } from 'pg';\nimport Redis from 'ioredis';\n\nexport const pool = new Pool({ connectionString: process.env.DATABASE_URL, max: 10, connectionTimeoutMillis: 5_000, statement_timeout: 10_000 });\nexport const redis = new Redis(process.env.REDIS_URL, { commandTimeout: 5_000 });\n",
    },
    fixSafety: 'Adding pg `connectionTimeoutMillis: 5_000` and `statement_timeout: 10_000`, or ioredis `commandTimeout: 5_000`, where there is none is safe: that is what the rule asks for, in the option the library reads. A migration or report query that legitimately runs longer than 10 s will now fail: give such work its own client or `SET statement_timeout` for it. The options go into the object written at the call (keeping its layout), or as a new options argument; an options object held in a variable becomes `{ ...options, key: value }` at the call. Replacing a value the author wrote (`socketTimeoutMS: 0`, `commandTimeout: 0`) is unsafe: the value may be deliberate.',
    references: [
      'https://node-postgres.com/apis/pool',
      'https://node-postgres.com/apis/client',
      'https://www.postgresql.org/docs/current/runtime-config-client.html#GUC-STATEMENT-TIMEOUT',
      'https://redis.github.io/ioredis/interfaces/CommonRedisOptions.html',
      'https://www.mongodb.com/docs/drivers/node/current/fundamentals/connection/connection-options/',
    ],
  },
  check: (ctx) => (ctx.doc.kind === 'python' ? pythonCallFindings(ctx.doc, ID) : findingsOf(tableProblems(ctx.doc), ID)),
  fixes: (finding, ctx) => (ctx.doc.kind === 'python' ? pythonCallFixes(ctx.doc, ID, finding) : fixesOf(tableProblems(ctx.doc), ID, finding)),
};
