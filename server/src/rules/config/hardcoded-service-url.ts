// hardcoded-service-url: a client pointed at an address that only exists inside the cluster, the
// compose network or the developer's machine.

import type { Fix, Rule, RuleContext, RuleFinding } from '../../engine/types';
import { jsHits, type UrlHit } from './js-walk';
import { pythonHits, type PyHit } from './python-walk';

function urlHits(ctx: RuleContext): Array<UrlHit & { imports?: PyHit['imports'] }> {
  const hits = ctx.doc.kind === 'python' ? pythonHits(ctx.doc) : jsHits(ctx.doc);
  return hits.filter((h): h is UrlHit => h.rule === 'hardcoded-service-url');
}

function envRead(ctx: RuleContext, name: string): string {
  return ctx.doc.kind === 'python' ? `os.environ["${name}"]` : `process.env.${name}`;
}

export const hardcodedServiceUrl: Rule = {
  id: 'hardcoded-service-url',
  family: 'config',
  kinds: ['js', 'python'],
  roles: ['service'],
  defaultSeverity: 'warning',
  fix: 'unsafe',
  summary: 'A client is pointed at a literal in-cluster or local address.',
  docs: {
    whatItDoes:
      'Flags a literal address of a dependency inside the cluster or on the machine handed to an HTTP, database or queue client in service code: the URL of `fetch`, axios, got, node-fetch, undici, ky, superagent and request calls and their `baseURL`/`prefixUrl`/`url` options, the connection string of pg, mysql2, mongoose/mongodb, ioredis/redis, amqplib, mqtt, knex/sequelize, nodemailer, and their `host`/`url`/`brokers`/`node` options (directly or through a `const` of the same file, or an object typed as the client\'s options type). Nest\'s microservice `host` option is not read: on a server it is the address it listens on. An address is internal when its host is `localhost`, `127.x.x.x`, `::1` (not `0.0.0.0`: that is where a server listens), a private IPv4 address (10/8, 172.16/12, 192.168/16), a Kubernetes service name (`*.svc`, `*.svc.cluster.local`, `*.cluster.local`), an `*.internal` name, or a single DNS label (`http://inventory:8080`, `host: \'redis\'`: a name only a compose network or the namespace resolves). Public hosts (`api.stripe.com`) are not flagged, nor a relative URL, nor an address built from a variable (`http://${host}`), nor a literal used as the fallback of a value read from the environment (`process.env.INVENTORY_URL || \'http://localhost:3000\'`): a local default for development is the common, accepted pattern, and the rule reports only addresses production cannot change. **Python**: the URL of `requests`/`httpx` calls (`requests.get(...)`, `httpx.post(...)`, `requests.request(method, url)`, `urlopen`), `base_url=` of `httpx.Client`/`AsyncClient`/`aiohttp.ClientSession`, the connection string of psycopg/psycopg2/asyncpg, SQLAlchemy `create_engine`, redis-py `from_url`, pymongo/motor, pika `URLParameters`, aio-pika, kombu and Celery brokers, Elasticsearch, and `host=`/`bootstrap_servers=`/`hosts=`/`endpoint_url=` arguments (redis-py, psycopg, PyMySQL, Kafka clients, boto3, smtplib), including the keys of a configuration dictionary (`{"bootstrap.servers": "kafka:9092"}`); an f-string counts when the host is written before its first `{}`. A literal default of an environment read (`os.environ.get("REDIS_URL", "redis://localhost:6379")`) is not flagged. The finding sits on the host.',
    whyItMatters:
      'Checklist: "No hardcoded URLs or credentials", "Environment-based config". An address in the code ties the build to one environment: the same image cannot run in staging, in another namespace or behind a different service name, and `localhost` means the container itself once deployed. Read it from configuration so each environment says where its dependencies are.',
    example: {
      path: 'src/inventory.ts',
      code: "export async function stock(sku: string) {\n  const res = await fetch(`http://inventory:8080/stock/${sku}`, { signal: AbortSignal.timeout(5000) });\n  return res.json();\n}\n",
    },
    useInstead: {
      path: 'src/inventory.ts',
      code: "export async function stock(sku: string) {\n  const res = await fetch(`${process.env.INVENTORY_URL}/stock/${sku}`, { signal: AbortSignal.timeout(5000) });\n  return res.json();\n}\n",
    },
    fixSafety:
      'Unsafe: the fix replaces a plain literal with `process.env.<NAME>` (`INVENTORY_URL` from a single-label or cluster host, otherwise the client\'s usual variable: `DATABASE_URL`, `REDIS_URL`, `MONGODB_URI`, `PGHOST`, ...), keeping a URL\'s path (`` `${process.env.INVENTORY_URL}/items` ``). The service then fails until the variable is set in every environment. Addresses built in template literals and entries of `brokers` lists get no fix. In Python the literal becomes `os.environ["NAME"]` (an HTTP URL keeps its path: `f"{os.environ[\'INVENTORY_URL\']}/items"`), with `import os` added when missing; f-strings and list entries get no fix.',
    moreExamples: [
      {
        example: { path: 'app/inventory.py', code: ['import httpx', '', '', 'def stock(sku):', '    return httpx.get(f"http://inventory:8080/stock/{sku}").json()', ''].join('\n') },
        useInstead: { path: 'app/inventory.py', code: ['import os', '', 'import httpx', '', '', 'def stock(sku):', '    return httpx.get(f"{os.environ[\'INVENTORY_URL\']}/stock/{sku}").json()', ''].join('\n') },
      },
    ],
    references: ['https://12factor.net/config', 'https://12factor.net/backing-services', 'https://kubernetes.io/docs/concepts/services-networking/dns-pod-service/'],
  },

  check(ctx): RuleFinding[] {
    return urlHits(ctx).map((h) => ({
      start: h.start,
      end: h.end,
      message: `\`${h.shown}\` is a hard-coded address for ${h.what} (${h.why}): the same build cannot point at another environment's dependency. Read it from configuration (\`${envRead(ctx, h.env)}\`).`,
      data: { env: h.env },
    }));
  },

  fixes(finding, ctx): Fix[] {
    const hit = urlHits(ctx).find((h) => h.start === finding.start);
    if (!hit?.replace) return [];
    return [{ title: `Read the address from ${envRead(ctx, hit.env)} (unsafe)`, safe: false, edits: [...(hit.imports ?? []), { start: hit.replace.start, end: hit.replace.end, newText: hit.replace.newText }] }];
  },
};
