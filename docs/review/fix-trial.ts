// The fix trial: every fix prodready offers for a sample of findings in real repositories, applied
// one at a time to the original file, then checked: the file still parses, the finding is gone,
// the file's style is kept; and judged by a person (JUDGEMENTS below): mergeable as is, or not.
//
//   npx tsx docs/review/fix-trial.ts            prints the table and the figures
//   npx tsx docs/review/fix-trial.ts --write    also rewrites docs/review/fix-trial.md
//   npx tsx docs/review/fix-trial.ts --diffs    prints each fix's changed lines (for judging)
//
// The repositories are read from bare mirrors (/work/.mirror/<owner>+<name>/repo, brought by the
// search tool's fetch) at the pinned commits and extracted into a temporary folder; nothing of
// theirs is kept in this repository.

import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ts } from 'ts-morph';
import { registry } from '../../server/src/rules';
import { ConfigLoader } from '../../server/src/engine/config-file';
import { EMPTY_CONFIG } from '../../server/src/engine/config';
import { checkText, type CheckEnvironment, type CheckInput } from '../../server/src/engine/check';
import { fixesFor } from '../../server/src/engine/analyze';
import { applyEdits } from '../../server/src/engine/edits';
import { collectFiles, toPosix } from '../../server/src/engine/files';
import { classify, mayClassify } from '../../server/src/engine/classify';
import { WorkspaceIndex } from '../../server/src/engine/workspace-index';
import { prepare } from '../../server/src/engine/source';
import type { ParsedDocument } from '../../server/src/engine/document';
import type { Finding, Fix } from '../../server/src/engine/types';

export const REPOS = [
  { repo: 'docker/awesome-compose', commit: '18f59bdb09ecf520dd5758fbf90dec314baec545' },
  { repo: 'kubernetes/examples', commit: '279e8e4fe314f6cb7bc55fa3fbc21bbeaa48c0ea' },
  { repo: 'hagopj13/node-express-boilerplate', commit: '179ae84efec61b14206d0305d941daed6c6d07f9' },
  { repo: 'notiz-dev/nestjs-prisma-starter', commit: '225e5a906865df237a681c1ad228a3ecf2909326' },
  { repo: 'Sairyss/domain-driven-hexagon', commit: '5c2d15a7e2d69e83dfddf28468ee9f30e02c30de' },
  { repo: 'ghostfolio/ghostfolio', commit: 'c542997d27990365b607c7a6c9fe4bc8835a55c8' },
  { repo: 'mikro-orm/nestjs-realworld-example-app', commit: '681d8fc8012bd7179ff545f055f8731f16407313' },
  { repo: 'danielefiungo/nebulizer', commit: 'a78758ba2dc869532ce19f5b4a7efd70bde65549' },
  { repo: 'afnarqui/node-jest', commit: '3534abe268df2df8d8493de7dccc368b07b13e75' },
  { repo: 'nodeshift-blog-examples/express-instruqt-monitoring', commit: '30874a765105dadf2608bd8b559b03889f1c88e5' },
  { repo: 'practicajs/practica', commit: '9d0cfc85850e81e695de1eed19a8836a355d1d14' },
  { repo: 'fastify/demo', commit: '1f50cc1dc6c22c27da937eb96a0ce048ebab23a9' },
  { repo: 'javieraviles/node-typescript-koa-rest', commit: '3233861f5894606653bf7114473821a002d91d8b' },
  { repo: 'Crizstian/cinema-microservice', commit: 'b6c973da8f8cf1944cee2de1ae7b64aa36c55f84' },
] as const;

/** The rules whose fixes issue 16 is about. */
const RULES = new Set([
  'console-log',
  'interpolated-log-message',
  'compose-missing-healthcheck',
  'dockerfile-missing-healthcheck',
  'ecs-missing-health-check',
  'missing-liveness-probe',
  'missing-readiness-probe',
]);

/** At most this many fixes per repository and rule, the first in path order: a sample, not a census. */
const PER_REPO_AND_RULE = 5;

/**
 * Files left out of the trial because their findings are wrong (a matter for the rule's check and
 * the project model's file roles, not for the fix): `repo path-prefix` -> why.
 */
const NOT_SERVICE_CODE: Record<string, string> = {
  'docker/awesome-compose angular/angular/src/': 'an Angular front end: browser code',
  'docker/awesome-compose react-express-mongodb/frontend/': 'a React front end: browser code',
  'docker/awesome-compose react-express-mysql/frontend/': 'a React front end: browser code',
  'docker/awesome-compose react-rust-postgres/frontend/': 'a React front end: browser code',
  'docker/awesome-compose angular/compose.yaml': "`ng serve`, Angular's development server, in a dev stack",
  'kubernetes/examples web/guestbook/php-redis/controllers.js': 'an AngularJS controller served to the browser',
  'notiz-dev/nestjs-prisma-starter prisma/seed.ts': 'a seed script',
  'notiz-dev/nestjs-prisma-starter docker-compose.migrate.yml': 'a one-shot migration stack',
  'Sairyss/domain-driven-hexagon database/': 'migration and seed scripts',
  'afnarqui/node-jest archivos/': 'exercise scripts, not a service',
  'practicajs/practica src/code-templates/services/order-service/test/': 'a test stack',
};

function notServiceCode(repo: string, file: string): string | undefined {
  for (const [key, why] of Object.entries(NOT_SERVICE_CODE)) {
    const [r, prefix] = key.split(' ');
    if (r === repo && file.startsWith(prefix)) return why;
  }
  return undefined;
}

/** A person's judgement of each fix: `repo path:line rule` -> [mergeable as is, why]. */
const JUDGEMENTS: Record<string, [boolean, string]> = {
  'docker/awesome-compose apache-php/app/Dockerfile:7 dockerfile-missing-healthcheck': [true, 'php:8.0.9-apache serves on 80 and ships curl; any HTTP answer counts, so no route is assumed'],
  'docker/awesome-compose aspnet-mssql/app/aspnetapp/Dockerfile:14 dockerfile-missing-healthcheck': [true, "ASP.NET 5 listens on 80; the aspnet image has no curl but bash's /dev/tcp works"],
  'docker/awesome-compose django/app/Dockerfile:12 dockerfile-missing-healthcheck': [true, 'runserver on the EXPOSEd 8000; python:3.7-alpine checks with a socket, no curl needed'],
  'docker/awesome-compose elasticsearch-logstash-kibana/compose.yaml:18 compose-missing-healthcheck': [true, "Logstash's monitoring API on 9600 with the curl its image ships; not its TCP/UDP input port 5000"],
  'docker/awesome-compose fastapi/Dockerfile:13 dockerfile-missing-healthcheck': [true, "tiangolo's image serves on 80 and is python slim: a socket check, no curl"],
  'docker/awesome-compose gitea-postgres/compose.yaml:15 compose-missing-healthcheck': [true, 'pg_isready is what the postgres image documents; $$ escapes Compose interpolation'],
  'docker/awesome-compose nextcloud-postgres/compose.yaml:14 compose-missing-healthcheck': [true, 'pg_isready for postgres:alpine'],
  'docker/awesome-compose nextcloud-redis-mariadb/compose.yaml:18 compose-missing-healthcheck': [true, 'redis-cli ping, in every redis image'],
  'docker/awesome-compose nextcloud-redis-mariadb/compose.yaml:25 compose-missing-healthcheck': [true, 'healthcheck.sh ships in current mariadb:10.5 images for exactly this'],
  'docker/awesome-compose nginx-aspnet-mysql/backend/Dockerfile:37 dockerfile-missing-healthcheck': [true, 'ASP.NET 6 listens on 80; bash /dev/tcp in the aspnet image'],
  'docker/awesome-compose nginx-nodejs-redis/web/server.js:23 console-log': [false, 'adds pino, which package.json lacks: needs an npm install first (the title says so; unsafe, never in --fix)'],
  'docker/awesome-compose react-express-mongodb/backend/config/config.js:6 console-log': [false, 'adds pino, a new dependency (title says so)'],
  'docker/awesome-compose react-express-mongodb/backend/db/index.js:15 console-log': [false, 'adds pino, a new dependency (title says so)'],
  'docker/awesome-compose react-express-mongodb/backend/db/index.js:19 console-log': [false, 'adds pino, a new dependency (title says so)'],
  'docker/awesome-compose react-express-mongodb/backend/db/index.js:23 console-log': [false, 'adds pino, a new dependency (title says so)'],
  'kubernetes/examples AI/model-serving-tensorflow/deployment.yaml:18 missing-liveness-probe': [true, "TCP on TF Serving's gRPC port: sound, no route assumed"],
  'kubernetes/examples AI/model-serving-tensorflow/deployment.yaml:18 missing-readiness-probe': [true, 'TCP on the gRPC port, which opens once the model is loaded'],
  'kubernetes/examples AI/vllm-deployment/hpa/prometheus-adapter.yaml:149 missing-liveness-probe': [true, 'TCP on the named https port'],
  'kubernetes/examples AI/vllm-deployment/hpa/prometheus-adapter.yaml:149 missing-readiness-probe': [true, 'TCP on the named https port'],
  'docker/awesome-compose apache-php/compose.yaml:2 compose-missing-healthcheck': [true, 'the builder stage is php:8.0.9-apache: curl on 80, any answer counts'],
  'docker/awesome-compose django/compose.yaml:2 compose-missing-healthcheck': [true, "runserver on 8000 (ports and EXPOSE); python:3.7-alpine's own socket check"],
  'docker/awesome-compose flask-redis/compose.yaml:6 compose-missing-healthcheck': [true, 'app.run(port=8000), python:3.10-alpine: a socket check, no curl assumed'],
  'docker/awesome-compose flask/compose.yaml:2 compose-missing-healthcheck': [true, 'app.run(port=8000), python:3.10-alpine: a socket check'],
  'docker/awesome-compose nginx-aspnet-mysql/proxy/Dockerfile:1 dockerfile-missing-healthcheck': [true, 'its conf listens on 80; nginx:1.13-alpine has BusyBox nc, so a port check needs nothing installed'],
  'docker/awesome-compose react-express-mysql/compose.yaml:47 compose-missing-healthcheck': [true, 'the development target runs the dev server on PORT 3000 in node:lts, a full Debian image with curl; any answer counts'],
  'docker/awesome-compose react-java-mysql/compose.yaml:35 compose-missing-healthcheck': [true, 'the same dev server on PORT 3000 in node:lts (curl present)'],
  'docker/awesome-compose nginx-flask-mysql/compose.yaml:27 compose-missing-healthcheck': [true, 'flask run on FLASK_RUN_PORT 8000 (EXPOSE 8000), python:3.10-alpine: a socket check'],
  'kubernetes/examples web/guestbook/redis-slave/Dockerfile:15 dockerfile-missing-healthcheck': [true, 'FROM redis:3.2.9 running redis through run.sh: redis-cli ping is in the image'],
  'kubernetes/examples _archived/cluster-dns/dns-backend-rc.yaml:17 missing-liveness-probe': [true, 'TCP on backend-port (8000, where server.py listens)'],
  'kubernetes/examples _archived/cluster-dns/dns-backend-rc.yaml:17 missing-readiness-probe': [true, 'TCP on backend-port'],
  'kubernetes/examples _archived/cockroachdb/cockroachdb-statefulset.yaml:127 missing-liveness-probe': [true, 'TCP on the grpc port; cockroach opens it at start'],
  'kubernetes/examples _archived/cockroachdb/cockroachdb-statefulset.yaml:127 missing-readiness-probe': [true, 'TCP on grpc: weaker than /health?ready=1 but correct'],
  'kubernetes/examples _archived/elasticsearch/production_cluster/es-client-rc.yaml:18 missing-liveness-probe': [true, 'a client (coordinating) node, NODE_DATA=false, holds no data: TCP on http after 90 s for the JVM start, as for es-rc'],
  'kubernetes/examples _archived/elasticsearch/es-rc.yaml:23 missing-liveness-probe': [true, "TCP on the http port, first after 90 s as Bitnami's Elasticsearch chart waits: the JVM is no longer restarted before it opens its port (was: 10 s, judged no)"],
  'kubernetes/examples _archived/elasticsearch/es-rc.yaml:23 missing-readiness-probe': [true, 'TCP on the http port: a readiness probe only holds traffic back'],
  'kubernetes/examples _archived/https-nginx/Dockerfile:15 dockerfile-missing-healthcheck': [true, 'nginx listens on 80 (its conf too); bash /dev/tcp in the Debian nginx image'],
  'kubernetes/examples _archived/meteor/dockerbase/Dockerfile:15 dockerfile-missing-healthcheck': [true, 'EXPOSE 8080; node:0.10 is a full image with curl'],
  'kubernetes/examples _archived/phabricator/php-phabricator/Dockerfile:15 dockerfile-missing-healthcheck': [true, 'apache on the EXPOSEd 80 in ubuntu: bash /dev/tcp, no curl assumed'],
  'kubernetes/examples _archived/storage/mysql-galera/image/Dockerfile:15 dockerfile-missing-healthcheck': [true, 'mysqld on the first EXPOSEd port 3306; bash /dev/tcp in ubuntu:trusty'],
  'kubernetes/examples web/guestbook/php-redis/Dockerfile:15 dockerfile-missing-healthcheck': [true, 'php:5-apache on 80 with curl'],
  'hagopj13/node-express-boilerplate Dockerfile:1 dockerfile-missing-healthcheck': [true, "EXPOSE 3000; node:alpine has no curl, node's fetch checks any answer"],
  'hagopj13/node-express-boilerplate docker-compose.yml:18 compose-missing-healthcheck': [true, 'mongo:4.2 has the legacy mongo shell, which the check uses'],
  'hagopj13/node-express-boilerplate docker-compose.yml:4 compose-missing-healthcheck': [true, 'the service builds the node:alpine Dockerfile (EXPOSE 3000): node fetch, any answer'],
  'hagopj13/node-express-boilerplate src/index.js:10 interpolated-log-message': [true, "winston: 'Listening', { port: config.port }: the user's word, no dangling 'to port'"],
  'notiz-dev/nestjs-prisma-starter Dockerfile:17 dockerfile-missing-healthcheck': [true, 'node:16 full image has curl; EXPOSE 3000'],
  'notiz-dev/nestjs-prisma-starter Dockerfile.alpine:17 dockerfile-missing-healthcheck': [true, 'node:16-alpine: no curl, no fetch before 18, so a net.connect check'],
  'notiz-dev/nestjs-prisma-starter docker-compose.yml:3 compose-missing-healthcheck': [true, 'builds the node:16 Dockerfile that EXPOSEs 3000: curl, any answer'],
  'notiz-dev/nestjs-prisma-starter docker-compose.db.yml:3 compose-missing-healthcheck': [true, 'pg_isready for postgres'],
  'notiz-dev/nestjs-prisma-starter docker-compose.yml:15 compose-missing-healthcheck': [true, 'pg_isready for postgres'],
  'Sairyss/domain-driven-hexagon docker/docker-compose.yml:4 compose-missing-healthcheck': [true, 'pg_isready for postgres:alpine'],
  'ghostfolio/ghostfolio Dockerfile:52 dockerfile-missing-healthcheck': [true, 'port from EXPOSE ${PORT:-3333}; node:22-slim has fetch, no curl'],
  'ghostfolio/ghostfolio apps/api/src/app/portfolio/calculator/roai/portfolio-calculator.ts:951 console-log': [true, "Nest's Logger.log, imported from @nestjs/common as the rest of the API does; the message stays as written"],
  'danielefiungo/nebulizer Dockerfile:20 dockerfile-missing-healthcheck': [true, 'the Dockerfile installs curl; EXPOSE 3000'],
  'danielefiungo/nebulizer docker-compose.yml:3 compose-missing-healthcheck': [true, 'the final stage is mhart/alpine-node (EXPOSE 3000): BusyBox nc -z; the image also installs curl'],
  'danielefiungo/nebulizer src/index.ts:11 interpolated-log-message': [true, "pino: { bind }, '📻 Listening': constant message, value kept"],
  'afnarqui/node-jest Dockerfile:1 dockerfile-missing-healthcheck': [true, 'EXPOSE 3000; node:14-alpine gets a net.connect check (no fetch before 18)'],
  'afnarqui/node-jest chat.js:17 console-log': [true, "pino is in package.json and src/server.js makes its logger the same way (require('pino')()): the message as written"],
  'afnarqui/node-jest chat.js:20 console-log': [true, "pino from package.json: { message }, 'Mensaje recibido'"],
  'afnarqui/node-jest chat.js:25 console-log': [true, 'pino from package.json, the message as written'],
  'afnarqui/node-jest chat.js:30 console-log': [true, 'pino from package.json; the URL stays in the message as the author wrote it'],
  'afnarqui/node-jest src/server.js:7 interpolated-log-message': [true, "pino: { port }, 'server listening'"],
  'nodeshift-blog-examples/express-instruqt-monitoring server.js:14 interpolated-log-message': [true, "pino: { port: PORT }, 'Server listening': a camelCase field, not PORT"],
  'fastify/demo src/plugins/app/file-manager.ts:44 interpolated-log-message': [true, "fastify.log (pino): { filePath }, 'File path not found': the quotes around the value go with it"],
  'javieraviles/node-typescript-koa-rest Dockerfile:1 dockerfile-missing-healthcheck': [true, 'EXPOSE 3000 and config.port defaults to 3000; node:14-alpine gets a net.connect check (no fetch before 18)'],
  'Crizstian/cinema-microservice booking-service/Dockerfile:1 dockerfile-missing-healthcheck': [true, 'EXPOSE 3000, serverSettings.port defaults to 3000; node:7.5-alpine: a net.connect check (a TCP check holds for its HTTPS server too)'],
  'Crizstian/cinema-microservice cinema-catalog-service/Dockerfile:1 dockerfile-missing-healthcheck': [true, 'EXPOSE 3000 and the config default; a net.connect check in node:7.5-alpine'],
  'Crizstian/cinema-microservice movies-service/Dockerfile:1 dockerfile-missing-healthcheck': [true, 'EXPOSE 3000 and the config default; a net.connect check'],
  'Crizstian/cinema-microservice notification-service/Dockerfile:1 dockerfile-missing-healthcheck': [true, 'EXPOSE 3000 and the config default; a net.connect check'],
  'Crizstian/cinema-microservice payment-service/Dockerfile:1 dockerfile-missing-healthcheck': [true, 'EXPOSE 3000 and the config default; a net.connect check'],
};

interface Row {
  repo: string;
  file: string;
  line: number;
  ruleId: string;
  title: string;
  safe: boolean;
  parses: boolean;
  gone: boolean;
  style: string | true;
  diff: string;
  judgement?: [boolean, string];
}

const MIRRORS = process.env.PRODREADY_MIRRORS ?? '/work/.mirror';
const WORK = path.join(os.tmpdir(), 'prodready-fix-trial');

function extract(repo: string, commit: string): string {
  const dir = path.join(WORK, repo.replace('/', '+'));
  if (fs.existsSync(path.join(dir, '.complete'))) return dir;
  const gitDir = path.join(MIRRORS, repo.replace('/', '+'), 'repo');
  if (!fs.existsSync(gitDir)) throw new Error(`${repo}: no mirror at ${gitDir} (fetch github:${repo} first)`);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const archive = execFileSync('git', ['--git-dir', gitDir, 'archive', commit], { maxBuffer: 1 << 30 });
  execFileSync('tar', ['-x', '-C', dir], { input: archive, maxBuffer: 1 << 30 });
  fs.writeFileSync(path.join(dir, '.complete'), commit);
  return dir;
}

/** Syntax errors of a document in its own language (what "still parses" means in the fixture harness). */
function syntaxErrors(doc: ParsedDocument): string[] {
  switch (doc.kind) {
    case 'js': {
      const sf = ts.createSourceFile(doc.path, doc.text, ts.ScriptTarget.Latest, true);
      return ((sf as unknown as { parseDiagnostics: ts.Diagnostic[] }).parseDiagnostics ?? []).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    }
    case 'kubernetes':
    case 'compose':
      return doc.yaml.templated ? [] : doc.yaml.documents.flatMap((d) => d.errors.map((e) => e.message));
    case 'ecs':
      return doc.json.errors.map((e) => `JSON error ${e.error} at ${e.offset}`);
    case 'dockerfile':
      return doc.dockerfile.getInstructions().some((i) => i.getKeyword() === 'HEALTHCHECK' && i.getArguments().length === 0) ? ['empty HEALTHCHECK'] : [];
  }
}

/** The file's style where a fix writes: line breaks, quotes, semicolons, indentation. */
function styleProblem(before: string, fix: Fix, kind: ParsedDocument['kind']): string | true {
  const crlf = before.includes('\r\n');
  for (const e of fix.edits) {
    const t = e.newText;
    if (crlf && /[^\r]\n/.test(t)) return 'LF line break in a CRLF file';
    if (!crlf && t.includes('\r')) return 'CRLF line break in an LF file';
    if (!before.includes('\t') && t.includes('\t')) return 'tab in a file indented with spaces';
    if (kind === 'js') {
      const singles = (before.match(/(^|[^\\\w])'[^'\n]*'/g) ?? []).length;
      const doubles = (before.match(/(^|[^\\\w])"[^"\n]*"/g) ?? []).length;
      const quote = doubles > singles ? '"' : "'";
      const other = quote === '"' ? "'" : '"';
      const lit = new RegExp(`(^|[\\s(,{:])${other}[^${other}\\n]*${other}`);
      if (lit.test(t.replace(/`[^`]*`/g, ''))) return `string in ${other} in a file that uses ${quote}`;
      const statements = before.split('\n').filter((l) => /\S/.test(l) && !/^\s*(\/\/|\*|\/\*)/.test(l));
      const semis = statements.filter((l) => /;\s*(\/\/.*)?$/.test(l)).length;
      if (semis === 0 && /;\s*($|\r?\n)/.test(t)) return 'semicolon in a file without them';
    }
    if (kind === 'kubernetes' || kind === 'compose') {
      const indents = new Set(before.split('\n').map((l) => /^( *)\S/.exec(l)?.[1].length).filter((n): n is number => n !== undefined && n > 0));
      const step = Math.min(...indents);
      for (const line of t.split(/\r?\n/)) {
        const n = /^( *)\S/.exec(line)?.[1].length;
        if (n !== undefined && n > 0 && Number.isFinite(step) && n % step !== 0 && !/^\s*-/.test(line)) return `indent ${n} in a file indented by ${step}`;
      }
    }
  }
  return true;
}

/** The lines a fix changes, as `diff -U1` hunks. */
function changedLines(before: string, after: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'prodready-fix-diff-'));
  fs.writeFileSync(path.join(dir, 'a'), before);
  fs.writeFileSync(path.join(dir, 'b'), after);
  let out = '';
  try {
    execFileSync('diff', ['-U1', path.join(dir, 'a'), path.join(dir, 'b')]);
  } catch (error) {
    out = String((error as { stdout?: Buffer }).stdout ?? '').split('\n').slice(2).join('\n');
  }
  fs.rmSync(dir, { recursive: true, force: true });
  return out.trimEnd();
}

function trialRepo(repo: string, commit: string): Row[] {
  const root = extract(repo, commit);
  const files = collectFiles([root], root);
  const index = new WorkspaceIndex();
  index.indexFiles(files, [root]);
  index.indexPackagesOf(files, root);
  const env: CheckEnvironment = { registry, configs: new ConfigLoader(registry, { frozen: true }), baseConfig: EMPTY_CONFIG, workspace: index.facts() };
  const taken = new Map<string, number>();
  const rows: Row[] = [];
  for (const file of files.sort()) {
    if (!mayClassify(file)) continue;
    const text = fs.readFileSync(file, 'utf8');
    if (!classify(file, text.slice(0, 65536))) continue;
    const relativePath = toPosix(path.relative(root, file));
    if (notServiceCode(repo, relativePath)) continue;
    const input: CheckInput = { path: toPosix(file), relativePath, rootDir: root, text };
    const result = checkText(input, env);
    if (!result.doc) continue;
    for (const finding of result.findings) {
      if (!RULES.has(finding.ruleId)) continue;
      const count = taken.get(finding.ruleId) ?? 0;
      if (count >= PER_REPO_AND_RULE) continue;
      const fix = fixesFor(finding, result.doc, { registry, config: result.config, workspace: env.workspace })[0];
      if (!fix) continue;
      taken.set(finding.ruleId, count + 1);
      rows.push(check(repo, root, input, result.doc, finding, fix, env));
    }
  }
  return rows;
}

function check(repo: string, root: string, input: CheckInput, doc: ParsedDocument, finding: Finding, fix: Fix, env: CheckEnvironment): Row {
  const after = applyEdits(input.text, fix.edits);
  const prepared = prepare({ ...input, text: after });
  const parses = prepared.status === 'document' && syntaxErrors(prepared.doc).length === 0;
  // Gone: the rule reports one finding fewer, and none where this one was (shifted by the edits before it).
  const before = checkText(input, env).findings.filter((f) => f.ruleId === finding.ruleId);
  const now = checkText({ ...input, text: after }, env).findings.filter((f) => f.ruleId === finding.ruleId);
  let shift = 0;
  for (const e of fix.edits) if (e.end <= finding.start) shift += e.newText.length - (e.end - e.start);
  const gone = now.length === before.length - 1 && !now.some((f) => f.start === finding.start + shift);
  const line = doc.lines.positionAt(finding.start).line + 1;
  const file = toPosix(path.relative(root, input.path));
  return {
    repo,
    file,
    line,
    ruleId: finding.ruleId,
    title: fix.title,
    safe: fix.safe,
    parses,
    gone,
    style: styleProblem(input.text, fix, doc.kind),
    diff: changedLines(input.text, after),
    judgement: JUDGEMENTS[`${repo} ${file}:${line} ${finding.ruleId}`],
  };
}

function table(rows: Row[]): string {
  const mark = (b: boolean) => (b ? 'yes' : '**no**');
  const esc = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  const out = [
    '| # | Repository | File:line | Rule | Fix | Safe | Parses | Gone | Style kept | Mergeable as is | Why |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  rows.forEach((r, i) => {
    const j = r.judgement;
    out.push(`| ${i + 1} | ${r.repo} | \`${r.file}:${r.line}\` | ${r.ruleId} | ${esc(r.title)} | ${r.safe ? 'safe' : 'unsafe'} | ${mark(r.parses)} | ${mark(r.gone)} | ${r.style === true ? 'yes' : `**no**: ${esc(r.style)}`} | ${j ? mark(j[0]) : '?'} | ${j ? esc(j[1]) : 'not judged yet'} |`);
  });
  return out.join('\n');
}

function figures(rows: Row[]): string {
  const judged = rows.filter((r) => r.judgement);
  const yes = judged.filter((r) => r.judgement![0]).length;
  const byRule = new Map<string, { n: number; yes: number }>();
  for (const r of rows) {
    const e = byRule.get(r.ruleId) ?? { n: 0, yes: 0 };
    e.n++;
    if (r.judgement?.[0]) e.yes++;
    byRule.set(r.ruleId, e);
  }
  const lines = [
    `Fixes: ${rows.length} (${new Set(rows.map((r) => r.ruleId)).size} rules, ${new Set(rows.map((r) => r.repo)).size} repositories).`,
    `Parse: ${rows.filter((r) => r.parses).length}/${rows.length}. Finding gone: ${rows.filter((r) => r.gone).length}/${rows.length}. Style kept: ${rows.filter((r) => r.style === true).length}/${rows.length}.`,
    `Mergeable as is: ${yes}/${judged.length} judged (${judged.length ? Math.round((100 * yes) / judged.length) : 0}%)${judged.length < rows.length ? `, ${rows.length - judged.length} not judged yet` : ''}.`,
    '',
    '| Rule | Fixes | Mergeable |',
    '|---|---|---|',
    ...[...byRule].sort().map(([rule, e]) => `| ${rule} | ${e.n} | ${e.yes} |`),
  ];
  return lines.join('\n');
}

function main(): void {
  const rows = REPOS.flatMap(({ repo, commit }) => trialRepo(repo, commit));
  if (process.argv.includes('--diffs')) {
    rows.forEach((r, i) => process.stdout.write(`\n### ${i + 1} ${r.repo} ${r.file}:${r.line} ${r.ruleId} — ${r.title}${r.judgement ? ` [${r.judgement[0] ? 'yes' : 'no'}]` : ''}\n${r.diff}\n`));
    return;
  }
  const report = `${figures(rows)}\n\n${table(rows)}\n`;
  process.stdout.write(report);
  if (process.argv.includes('--write')) {
    const md = path.join(__dirname, 'fix-trial.md');
    const head = fs.readFileSync(md, 'utf8').split('<!-- results -->')[0];
    fs.writeFileSync(md, `${head}<!-- results -->\n\n${report}`);
  }
}

main();
