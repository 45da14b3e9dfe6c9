import type { Rule, RuleContext, RuleFinding } from '../../engine/types';
import { DEPENDENCY_PACKAGES, checksNothing, healthHandlers, pythonChecksNothing, pythonHealthHandlers } from './handlers';
import { pyServiceFacts } from '../../engine/model/python-service-facts';
import { pythonOf } from './links';

function pythonCheck(ctx: RuleContext): RuleFinding[] {
  const out: RuleFinding[] = [];
  const handlers = pythonHealthHandlers(ctx.doc).filter((h) => h.kind === 'readiness' && pythonChecksNothing(h.node));
  if (handlers.length === 0) return out;
  // The service's dependencies: what its modules import (this one's, and the package's once indexed).
  const pkg = ctx.workspace.packageOf(ctx.doc.path)?.dir;
  const service = pkg ? ctx.workspace.serviceOf(pkg) : undefined;
  const dependencies = [...new Set([...(pyServiceFacts(ctx.doc)?.imports ?? []), ...((service && pythonOf(service)?.dependencies) ?? [])])].sort();
  if (dependencies.length === 0) return out;
  const lines = ctx.doc.text.split('\n');
  for (const handler of handlers) {
    const { line, column } = handler.route;
    let start = 0;
    for (let i = 0; i < line - 1; i++) start += lines[i].length + 1;
    start += column - 1;
    const token = /^(?:[rbuRBU]{0,2}(?:"[^"\n]*"|'[^'\n]*'))/.exec(ctx.doc.text.slice(start))?.[0] ?? 'x';
    out.push({
      start,
      end: start + token.length,
      message: `The readiness route \`${handler.route.path}\` answers without checking anything, while the service depends on ${dependencies.slice(0, 3).join(', ')}: a pod that cannot reach them still receives traffic and fails every request.`,
    });
  }
  return out;
}

function check(ctx: RuleContext): RuleFinding[] {
  if (ctx.doc.kind === 'python') return pythonCheck(ctx);
  const out: RuleFinding[] = [];
  const handlers = healthHandlers(ctx.doc).filter((h) => h.kind === 'readiness');
  if (handlers.length === 0) return out;
  const dependencies = DEPENDENCY_PACKAGES.filter((name) => ctx.workspace.dependsOn(ctx.doc.path, name) === true);
  if (dependencies.length === 0) return out;
  const sf = ctx.doc.sourceFile;
  for (const handler of handlers) {
    if (!checksNothing(handler.node)) continue;
    const { line, column } = handler.route;
    const start = sf.getPositionOfLineAndCharacter(line - 1, column - 1);
    const token = /^[^\s(,]+/.exec(ctx.doc.text.slice(start))?.[0] ?? 'x';
    out.push({
      start,
      end: start + token.length,
      message: `The readiness route \`${handler.route.path}\` answers without checking anything, while the service depends on ${dependencies.slice(0, 3).join(', ')}: a pod that cannot reach them still receives traffic and fails every request.`,
    });
  }
  return out;
}

export const readinessChecksNothing: Rule = {
  id: 'readiness-checks-nothing',
  family: 'health',
  kinds: ['js', 'python'],
  roles: ['service'],
  defaultSeverity: 'information',
  fix: 'none',
  summary: 'A readiness route answers success without checking the dependencies the service has.',
  docs: {
    whatItDoes:
      'Reads the handler of each readiness route the file declares (`/ready`, `/readyz`, `/readiness`) and flags it when the handler only answers: no `await`, no condition, no reference to anything but its own parameters (`(req, res) => res.json({ status: \'ok\' })`, a Nest method returning a literal), while the package depends at run time on a database, cache or broker client (pg, mysql2, mongoose, mongodb, redis, ioredis, Prisma, TypeORM, Sequelize, knex, amqplib, kafkajs, ...). Python (FastAPI, Flask, aiohttp route functions): a body that is only a docstring and `return` of literals or a response built from them (`{"status": "ok"}`, `jsonify(status="ready")`, `JSONResponse({...})`), while a module of the service imports SQLAlchemy, psycopg, asyncpg, redis, pymongo, motor, Celery, Kafka or RabbitMQ clients, `django.db`, .... A handler that reads a flag (`ready ? 200 : 503`) checks something and is not flagged. The finding sits on the route\'s path.',
    whyItMatters:
      'Checklist: "Readiness probe configured": `/ready` answers only when the service can take traffic. A readiness route that always says yes keeps a pod in rotation while its database connection is gone or still being opened at start-up, so requests are sent to a pod that can only fail them.',
    example: {
      path: 'src/server.js',
      code: "const express = require('express');\nconst app = express();\napp.get('/ready', (req, res) => res.json({ status: 'ok' }));\napp.listen(3000);\n",
      alongside: [{ path: 'package.json', code: '{ "name": "api", "private": true, "dependencies": { "express": "^4.19.0", "pg": "^8.11.0" } }\n' }],
    },
    useInstead: {
      path: 'src/server.js',
      code: "const express = require('express');\nconst { pool } = require('./db');\nconst app = express();\napp.get('/ready', async (req, res) => {\n  try {\n    await pool.query('SELECT 1');\n    res.json({ status: 'ready' });\n  } catch {\n    res.status(503).json({ status: 'unavailable' });\n  }\n});\napp.listen(3000);\n",
      alongside: [{ path: 'package.json', code: '{ "name": "api", "private": true, "dependencies": { "express": "^4.19.0", "pg": "^8.11.0" } }\n' }],
    },
    fixSafety: 'No fix: which dependency readiness should wait for is a decision about the service; the readiness snippets show the shape (each check with a short timeout).',
    references: [
      'https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/#define-readiness-probes',
    ],
  },
  check,
};
