// hardcoded-credential: a password, secret or token written into service code or a manifest.

import type { Fix, Rule, RuleContext, RuleFinding } from '../../engine/types';
import { jsHits, type CredentialHit } from './js-walk';
import { pythonHits } from './python-walk';
import { envEntries, type EnvEntry } from './manifest-env';
import { SERVICE_SCHEMES, isNotCredentialValue, isPlaceholder, isSecretName, mask, urlPassword, vendorToken } from './knowledge';

interface ManifestHit {
  entry: EnvEntry;
  start: number;
  end: number;
  secret: string;
  what: string;
}

/** Why an environment entry of a manifest holds a credential, if it does. */
function manifestHit(entry: EnvEntry, all: readonly EnvEntry[]): ManifestHit | undefined {
  const token = vendorToken(entry.value);
  if (token) {
    return { entry, start: entry.start + token.index, end: entry.start + token.index + token.match.length, secret: token.match, what: token.token.vendor };
  }
  const password = urlPassword(entry.value);
  if (password && SERVICE_SCHEMES.has(password.scheme)) {
    return { entry, start: entry.start + password.start, end: entry.start + password.end, secret: password.password, what: `the password in a \`${password.scheme}://\` URL` };
  }
  const value = entry.value;
  if (isSecretName(entry.name) && value.trim().length >= 3 && !isPlaceholder(value) && !isNotCredentialValue(value) && !sameAsUser(entry, all)) {
    return { entry, start: entry.start, end: entry.end, secret: value, what: 'its value' };
  }
  return undefined;
}

/** `POSTGRES_USER: shop` next to `POSTGRES_PASSWORD: shop`: a stack's well-known default, not a secret anyone keeps. */
function sameAsUser(entry: EnvEntry, all: readonly EnvEntry[]): boolean {
  return all.some((other) => other !== entry && other.group === entry.group && /(?:^|_)(?:USER|USERNAME|LOGIN)$/i.test(other.name) && other.value === entry.value);
}

function manifestHits(ctx: RuleContext): ManifestHit[] {
  const all = envEntries(ctx.doc);
  return all.map((e) => manifestHit(e, all)).filter((h): h is ManifestHit => h !== undefined);
}

function jsCredentials(ctx: RuleContext): CredentialHit[] {
  return jsHits(ctx.doc).filter((h): h is CredentialHit => h.rule === 'hardcoded-credential');
}

const WHERE: Record<string, string> = {
  env: 'the container\'s `env`',
  environment: 'the service\'s `environment`',
  Environment: 'the container\'s `Environment`',
  'ecs-environment': 'the container\'s `environment`',
  ENV: 'an `ENV` instruction (it stays in the image for anyone who pulls it)',
  ARG: 'an `ARG` default (it stays in the image history)',
};

export const hardcodedCredential: Rule = {
  id: 'hardcoded-credential',
  family: 'config',
  kinds: ['js', 'python', 'kubernetes', 'compose', 'ecs', 'dockerfile'],
  roles: ['service'],
  defaultSeverity: 'error',
  fix: 'unsafe',
  summary: 'A password, secret or token is written into service code or a manifest.',
  docs: {
    whatItDoes:
      'Flags a credential written as a literal where prodready understands what it is: (1) in JS/TS service code, a literal passed as a known client\'s credential: the `password`/`pass`/`secret`/`apiKey`/`token`/`secretOrKey` options of database, cache, queue, mail, JWT, session and AWS clients (pg, mysql2, mongodb, ioredis, kafkajs, knex, sequelize, nodemailer `auth`, express-session, passport-jwt, `@nestjs/jwt`, AWS SDK `credentials`), the secret argument of `jwt.sign`/`jwt.verify`, `cookie-parser`, Stripe, Twilio and SendGrid, directly or through a `const` of the same file; (2) anywhere in service code or a manifest\'s environment: a password in a URL\'s userinfo (`postgres://app:s3cret@db/app`), and tokens whose prefix the vendor publishes (AWS `AKIA…`, GitHub `ghp_`/`gho_`/`github_pat_`, Slack `xox[bpoas]-` and webhook URLs, Stripe `sk_live_`/`rk_live_`, Google `AIza…`, SendGrid `SG.`, npm `npm_`); (3) an `Authorization: Bearer <literal>` (or `Basic`, `Token`) header; (4) a Kubernetes `env[].value`, compose `environment:` entry (map or list), ECS `environment` entry, or Dockerfile `ENV`/`ARG` default whose name says secret (`*PASSWORD`, `*PASS`, `*SECRET*`, `*TOKEN`, `*API_KEY`, `*PRIVATE_KEY`, `*ACCESS_KEY`; not `*_FILE`, `*_PATH`, `*_NAME`, `*_EXPIRES_IN`, ...) with a literal value. The finding sits on the literal (on the password inside a URL, on the token inside a header) and its message shows only the first two characters. Not flagged: placeholders (empty, `changeme`, `change-me`, `password`, `secret`, `example`, `xxx`, `<...>`, `your-...`, `dummy`, `test`, a value that names itself a demo such as `DEMO_KEY`, `${VAR}`, `$(VAR)`, `{{ .Values.x }}`), switches and paths (`true`, `/run/secrets/db`), `valueFrom`/`secretKeyRef`, compose `${VAR}` interpolation, test files, dev compose files and other non-service roles of the project model, and a placeholder used as the fallback of a value read from the environment (`process.env.JWT_SECRET || \'dev-secret\'`, `?? \'\'`). A fallback that is not a placeholder is flagged when the variable\'s name says secret (`process.env.DB_PASS || \'cristianPassword2017\'`): whenever the variable is missing, production runs with a credential everyone who read the code knows; other fallbacks (`process.env.DATABASE_URL || \'postgres://app:dev@localhost/app\'`) are a developer\'s local default and are not flagged, while a vendor token is flagged wherever it is. **Python**: the same shapes in every string of a service module (a vendor token, a password in a URL such as SQLAlchemy\'s `postgresql+psycopg2://app:s3cret@db/app`, an `Authorization` header in a dictionary), and the credential arguments of known clients, directly or through a name the module assigns once: `password=`/`passwd=`/`api_key=`/`token=`/`secret=` of psycopg/psycopg2, asyncpg, PyMySQL, mysql-connector, redis-py, pymongo, SQLAlchemy `URL.create`, pika/aio-pika, Kafka clients (also `sasl.password` in a confluent-kafka configuration dictionary), Elasticsearch, OpenAI/Anthropic; boto3\'s `aws_secret_access_key=`/`aws_session_token=`; the key of PyJWT / python-jose `jwt.encode`/`jwt.decode`; `pika.PlainCredentials(user, password)`, `HTTPBasicAuth(user, password)` and `auth=(user, password)`; Django\'s `SECRET_KEY` and `DATABASES` passwords in a settings module (`settings.py`, `*_settings.py`, `settings/*.py`; not those named for development or tests: `dev`, `local`, `test`, `ci`); Flask\'s `app.secret_key` / `app.config["SECRET_KEY"]`; and the default of a secret-named environment read (`os.environ.get("DB_PASSWORD", "hunter2")`, `os.getenv("JWT_SECRET", ...)`, `os.environ.get("API_TOKEN") or "..."`) when it is not a placeholder. A literal passed as the default of any other environment or configuration read (`os.environ.get("DATABASE_URL", "postgresql://app:dev@localhost/app")`, `config("X", default=...)`) is a developer\'s local default and is not flagged. Values are never guessed from their entropy: this is not a secret scanner. Run gitleaks (https://github.com/gitleaks/gitleaks) or trufflehog (https://github.com/trufflesecurity/trufflehog) on the repository and its history for that.',
    whyItMatters:
      'Checklist: "No hardcoded URLs or credentials", "Environment-based config". A credential in the code is in every clone, every image layer and every fork; it cannot differ between staging and production, and rotating it after a leak needs a release. Read it from the environment, filled from a secret store (a Kubernetes Secret, ECS `secrets`, compose `${VAR}` from an untracked `.env`).',
    example: {
      path: 'src/db.ts',
      code: "import { Pool } from 'pg';\n\nexport const pool = new Pool({\n  host: process.env.PGHOST,\n  user: 'api',\n  password: 's3cr3t-Pa55',\n});\n",
    },
    useInstead: {
      path: 'src/db.ts',
      code: "import { Pool } from 'pg';\n\nexport const pool = new Pool({\n  host: process.env.PGHOST,\n  user: 'api',\n  password: process.env.PGPASSWORD,\n});\n",
    },
    fixSafety:
      'Unsafe: the fix replaces the literal with `process.env.<NAME>` (the library\'s usual variable, `PGPASSWORD`, `JWT_SECRET`, `SESSION_SECRET`, ..., or the name of the `const` that held it), a Kubernetes `value` with `valueFrom.secretKeyRef` (Secret `<workload>-secrets`, key from the variable\'s name), a compose value with `${NAME}`, an ECS `environment` entry with an entry of the container\'s `secrets` whose `valueFrom` is a Secrets Manager ARN with `REGION` and `ACCOUNT_ID` to fill in. A fallback after a secret-named variable is removed (`process.env.DB_PASS`). Until the variable or the Secret exists the service starts without the credential, so review it and create the secret first. In Python the literal becomes `os.environ["NAME"]` (`import os` is added when missing), and `os.environ.get("NAME", "literal")` becomes `os.environ["NAME"]`: the service then fails at start with a `KeyError` until the variable is set, which is the point. CloudFormation task definitions and Dockerfile defaults get no fix: move them to `Secrets` or to the run environment (or a build secret, `RUN --mount=type=secret`) by hand.',
    moreExamples: [
      {
        example: { path: 'app/db.py', code: ['import psycopg2', '', 'conn = psycopg2.connect(host="db.prod.example.com", user="api", password="s3cr3t-Pa55")', ''].join('\n') },
        useInstead: { path: 'app/db.py', code: ['import os', '', 'import psycopg2', '', 'conn = psycopg2.connect(host="db.prod.example.com", user="api", password=os.environ["PGPASSWORD"])', ''].join('\n') },
      },
    ],
    references: [
      'https://12factor.net/config',
      'https://kubernetes.io/docs/concepts/configuration/secret/#using-secrets-as-environment-variables',
      'https://docs.docker.com/compose/how-tos/environment-variables/variable-interpolation/',
      'https://docs.aws.amazon.com/AmazonECS/latest/developerguide/specifying-sensitive-data.html',
      'https://github.com/gitleaks/gitleaks',
      'https://github.com/trufflesecurity/trufflehog',
    ],
  },

  check(ctx): RuleFinding[] {
    if (ctx.doc.kind === 'python') {
      return pythonHits(ctx.doc)
        .filter((h) => h.rule === 'hardcoded-credential')
        .map((h) => ({
          start: h.start,
          end: h.end,
          message: `A credential is written into the code: ${h.what} (\`${mask((h as CredentialHit).secret)}\`). Anyone who can read the repository or the image has it, and changing it needs a release; read it from the environment (\`os.environ["${h.env}"]\`) filled from a secret store.`,
          data: { env: h.env },
        }));
    }
    if (ctx.doc.kind === 'js') {
      return jsCredentials(ctx).map((h) => ({
        start: h.start,
        end: h.end,
        message: `A credential is written into the code: ${h.what} (\`${mask(h.secret)}\`). Anyone who can read the repository or the image has it, and changing it needs a release; read it from the environment (\`process.env.${h.env}\`) filled from a secret store.`,
        data: { env: h.env },
      }));
    }
    return manifestHits(ctx).map((h) => ({
      start: h.start,
      end: h.end,
      message: `\`${h.entry.name}\` holds a credential written into ${WHERE[h.entry.where] ?? 'the manifest'}: ${h.what} (\`${mask(h.secret)}\`). Anyone who can read the repository has it; take it from a secret instead.`,
      data: { name: h.entry.name },
    }));
  },

  fixes(finding, ctx): Fix[] {
    if (ctx.doc.kind === 'python') {
      const hit = pythonHits(ctx.doc).find((h) => h.rule === 'hardcoded-credential' && h.start === finding.start);
      if (!hit?.replace) return [];
      return [{ title: `Read it from os.environ["${hit.env}"] (unsafe)`, safe: false, edits: [...(hit.imports ?? []), { start: hit.replace.start, end: hit.replace.end, newText: hit.replace.newText }] }];
    }
    if (ctx.doc.kind === 'js') {
      const hit = jsCredentials(ctx).find((h) => h.start === finding.start);
      if (!hit?.replace) return [];
      return [{ title: `Read it from process.env.${hit.env} (unsafe)`, safe: false, edits: [{ start: hit.replace.start, end: hit.replace.end, newText: hit.replace.newText }] }];
    }
    const hit = manifestHits(ctx).find((h) => h.start === finding.start);
    const fix = hit?.entry.fix?.();
    return fix ? [{ title: fix.title, safe: false, edits: fix.edits }] : [];
  },
};
