import type { Rule, RuleContext, RuleFinding } from '../../engine/types';
import { dependencyCalls, healthHandlers, pythonDependencyCalls, pythonHealthHandlers } from './handlers';

function pythonCheck(ctx: RuleContext): RuleFinding[] {
  const out: RuleFinding[] = [];
  for (const handler of pythonHealthHandlers(ctx.doc)) {
    if (handler.kind !== 'liveness') continue;
    const call = pythonDependencyCalls(ctx.doc, handler.node)[0];
    const callee = call?.childForFieldName('function');
    if (!callee) continue;
    out.push({
      start: callee.startIndex,
      end: callee.endIndex,
      message: `The liveness handler of \`${handler.route.path}\` calls a dependency (\`${callee.text.slice(0, 60)}\`): when the database, cache or service behind it is slow, every pod fails its liveness probe at once and is restarted, which fixes nothing. Check dependencies in a readiness route; keep liveness to "the process works".`,
    });
  }
  return out;
}

function check(ctx: RuleContext): RuleFinding[] {
  if (ctx.doc.kind === 'python') return pythonCheck(ctx);
  const out: RuleFinding[] = [];
  for (const handler of healthHandlers(ctx.doc)) {
    if (handler.kind !== 'liveness') continue;
    const calls = dependencyCalls(handler.node);
    const sf = ctx.doc.sourceFile;
    for (const call of calls.slice(0, 1)) {
      const callee = call.expression;
      out.push({
        start: callee.getStart(sf),
        end: callee.getEnd(),
        message: `The liveness handler of \`${handler.route.path}\` calls a dependency (\`${callee.getText(sf).slice(0, 60)}\`): when the database, cache or service behind it is slow, every pod fails its liveness probe at once and is restarted, which fixes nothing. Check dependencies in a readiness route; keep liveness to "the process works".`,
      });
    }
  }
  return out;
}

export const livenessChecksDependencies: Rule = {
  id: 'liveness-checks-dependencies',
  family: 'health',
  kinds: ['js', 'python'],
  roles: ['service'],
  defaultSeverity: 'warning',
  fix: 'none',
  summary: 'A liveness route calls a database, cache or HTTP dependency: a slow dependency restarts every pod.',
  docs: {
    whatItDoes:
      'Reads the handler of each liveness route the file declares (`/health`, `/healthz`, `/livez`, `/live`, `/liveness`, `/alive`, as the service facts see routes; `/_health` and `/status` say neither liveness nor readiness and are not read: Express, Koa, Fastify, hapi, NestJS `@Get`; in Python, FastAPI, Flask and aiohttp route functions) and flags the first call in it that reaches a dependency: a database or cache client\'s `query`, `ping`, `raw`, `execute`, `command`, `authenticate`, Prisma `$queryRaw`, Nest terminus `pingCheck`, or an HTTP client (`fetch`, `axios`, `got`); in Python, a call of `execute`, `ping`, `fetchval`, `fetchrow`, `scalar`, `command`, `cursor`, `connect`, ... (SQLAlchemy, psycopg, asyncpg, redis-py, pymongo, Django\'s connection) or of requests, httpx, aiohttp and urllib. A handler that is not an inline function or a decorated method is not read. Calls inside functions the handler hands on (`health.check([() => db.pingCheck(...)])`) count. The finding sits on the callee. Reading which path the workspace\'s liveness probe hits (a probe on `/status`) is not done yet: only the conventional names are read.',
    whyItMatters:
      'Checklist: "Health check endpoint" (`/health` answers while the process works) and "Readiness probe" (`/ready` answers when it can take traffic). A liveness probe that waits for the database turns one slow query into a restart of every pod at the same moment: the restarts add load to the struggling database, and the outage grows. Dependencies belong in readiness, which only takes the pod out of rotation.',
    example: {
      path: 'src/server.js',
      code: "const express = require('express');\nconst { Pool } = require('pg');\n\nconst pool = new Pool();\nconst app = express();\napp.get('/health', async (req, res) => {\n  await pool.query('SELECT 1');\n  res.send('ok');\n});\napp.listen(3000);\n",
    },
    useInstead: {
      path: 'src/server.js',
      code: "const express = require('express');\nconst { Pool } = require('pg');\n\nconst pool = new Pool();\nconst app = express();\napp.get('/health', (req, res) => res.send('ok'));\napp.get('/ready', async (req, res) => {\n  await pool.query('SELECT 1');\n  res.send('ready');\n});\napp.listen(3000);\n",
    },
    fixSafety: 'No fix: moving the check to a readiness route (and pointing the readiness probe at it) is a change of contract for whoever probes the service.',
    references: [
      'https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/',
      'https://srcco.de/posts/kubernetes-liveness-probes-are-dangerous.html',
    ],
  },
  check,
};
