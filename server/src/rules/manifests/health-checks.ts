// What a health check can call in a container, decided by its image: the well-known databases,
// brokers and caches speak their own protocol (a TCP or client check, never an HTTP GET), and an
// HTTP check needs a program in the image that can make the request (curl, BusyBox wget, the
// runtime itself). Knowledge as data, one row per image; the fix builders read it.
//
// Every builder takes what is known as optional inputs (`HealthFacts`): today the manifest's own
// file fills them; the project model can pass what other files show (the port the app's
// `listen()` uses, the Dockerfile behind an image, the health route the service serves).

/** What is known about the service a check is for; undefined fields are unknown. */
export interface HealthFacts {
  /** The port the app listens on inside the container. */
  port?: number | string;
  /** The path of the service's health (liveness) route. */
  healthPath?: string;
  /** The path of the service's readiness route. */
  readinessPath?: string;
  /** The image the container runs (`postgres:16`, `node:20-alpine`), or the final base image a Dockerfile builds on. */
  image?: string;
}


/** A service that is not HTTP: its image's own check. */
export interface ServiceCheck {
  /** Image repositories (lower case, without registry `docker.io/` or `library/`). */
  images: readonly string[];
  what: string;
  port: number;
  /** The check as an argv (exec form); absent when the image has no client to check with: then a TCP check. */
  exec?: readonly string[];
  /** The same for a shell (Compose `CMD-SHELL`), when it needs the shell (`$$` expansion). */
  shell?: string;
  /** Where the check comes from. */
  source: string;
  /** Images before this major version (from the tag) use `legacyExec` instead. */
  legacy?: { before: number; exec: readonly string[] };
}

/** One row per image family. */
export const SERVICE_CHECKS: readonly ServiceCheck[] = [
  {
    images: ['postgres', 'postgis/postgis', 'bitnami/postgresql', 'timescale/timescaledb', 'pgvector/pgvector'],
    what: 'PostgreSQL',
    port: 5432,
    exec: ['pg_isready', '-U', 'postgres'],
    shell: 'pg_isready -U $${POSTGRES_USER:-postgres}',
    source: 'https://www.postgresql.org/docs/current/app-pg-isready.html',
  },
  {
    images: ['mysql', 'bitnami/mysql', 'percona', 'percona/percona-server'],
    what: 'MySQL',
    port: 3306,
    exec: ['mysqladmin', 'ping', '-h', '127.0.0.1', '--silent'],
    source: 'https://dev.mysql.com/doc/refman/8.0/en/mysqladmin.html',
  },
  {
    // MariaDB 11 images no longer ship mysqladmin; they ship this script for exactly this purpose.
    images: ['mariadb', 'bitnami/mariadb'],
    what: 'MariaDB',
    port: 3306,
    exec: ['healthcheck.sh', '--connect', '--innodb_initialized'],
    source: 'https://mariadb.com/kb/en/using-healthcheck-sh/',
  },
  {
    images: ['redis', 'valkey/valkey', 'bitnami/redis', 'redis/redis-stack-server', 'eqalpha/keydb'],
    what: 'Redis',
    port: 6379,
    exec: ['redis-cli', 'ping'],
    source: 'https://redis.io/docs/latest/commands/ping/',
  },
  {
    images: ['rabbitmq', 'bitnami/rabbitmq'],
    what: 'RabbitMQ',
    port: 5672,
    exec: ['rabbitmq-diagnostics', '-q', 'ping'],
    source: 'https://www.rabbitmq.com/docs/monitoring#health-checks',
  },
  {
    images: ['mongo', 'bitnami/mongodb', 'mongodb/mongodb-community-server'],
    what: 'MongoDB',
    port: 27017,
    exec: ['mongosh', '--quiet', '--eval', "db.adminCommand('ping')"],
    // mongosh ships in the images from 6.0; before that the shell was `mongo`.
    legacy: { before: 6, exec: ['mongo', '--quiet', '--eval', "db.adminCommand('ping')"] },
    source: 'https://www.mongodb.com/docs/manual/reference/command/ping/',
  },
  {
    // cp-kafka names its tools without `.sh`.
    images: ['confluentinc/cp-kafka', 'confluentinc/cp-server'],
    what: 'Kafka',
    port: 9092,
    exec: ['kafka-broker-api-versions', '--bootstrap-server', 'localhost:9092'],
    source: 'https://docs.confluent.io/platform/current/installation/docker/operations/monitoring.html',
  },
  {
    images: ['apache/kafka', 'bitnami/kafka', 'wurstmeister/kafka'],
    what: 'Kafka',
    port: 9092,
    exec: ['kafka-broker-api-versions.sh', '--bootstrap-server', 'localhost:9092'],
    source: 'https://kafka.apache.org/documentation/#basic_ops',
  },
  {
    images: ['zookeeper', 'bitnami/zookeeper'],
    what: 'ZooKeeper',
    port: 2181,
    exec: ['zkServer.sh', 'status'],
    source: 'https://zookeeper.apache.org/doc/current/zookeeperTools.html',
  },
  // No client in these images: a TCP check on the port is what they offer.
  { images: ['confluentinc/cp-zookeeper'], what: 'ZooKeeper', port: 2181, source: 'https://docs.confluent.io/platform/current/installation/docker/config-reference.html' },
  { images: ['memcached', 'bitnami/memcached'], what: 'Memcached', port: 11211, source: 'https://github.com/memcached/memcached/wiki/ConfiguringServer' },
  {
    // With security on (8.x), an unauthenticated request gets 401: any answer means it is up.
    images: ['elasticsearch', 'docker.elastic.co/elasticsearch/elasticsearch', 'bitnami/elasticsearch', 'opensearchproject/opensearch'],
    what: 'Elasticsearch',
    port: 9200,
    shell: 'curl -s http://localhost:9200 > /dev/null || exit 1',
    source: 'https://www.elastic.co/guide/en/elasticsearch/reference/current/docker.html',
  },
  {
    // Its monitoring API answers on 9600; the ports it publishes are inputs, not HTTP.
    images: ['logstash', 'docker.elastic.co/logstash/logstash'],
    what: 'Logstash',
    port: 9600,
    shell: 'curl -s http://localhost:9600 > /dev/null || exit 1',
    source: 'https://www.elastic.co/guide/en/logstash/current/monitoring-logstash.html',
  },
  { images: ['nats'], what: 'NATS', port: 4222, source: 'https://docs.nats.io/running-a-nats-service/nats_docker' },
  { images: ['eclipse-mosquitto'], what: 'Mosquitto', port: 1883, source: 'https://mosquitto.org/man/mosquitto-8.html' },
];

/** `docker.io/library/postgres:16-alpine@sha256:...` -> `{ repo: 'postgres', tag: '16-alpine' }`. */
export function imageParts(image: string | undefined): { repo: string; tag: string } | undefined {
  if (!image) return undefined;
  const clean = image.trim().toLowerCase().split('@')[0];
  if (clean === '' || /[{$]/.test(clean)) return undefined;
  const slash = clean.lastIndexOf('/');
  const colon = clean.indexOf(':', slash + 1);
  const repo = (colon < 0 ? clean : clean.slice(0, colon)).replace(/^(?:docker\.io\/|index\.docker\.io\/|registry\.hub\.docker\.com\/)?(?:library\/)?/, '');
  return { repo, tag: colon < 0 ? '' : clean.slice(colon + 1) };
}

/**
 * The row for an image that is not an HTTP service, by its repository (or its last path segment
 * for a mirror: `myregistry/library/postgres`), with the exec its version has.
 */
export function serviceCheckFor(image: string | undefined): ServiceCheck | undefined {
  const row = serviceRowFor(image);
  const major = Number(/^(\d+)/.exec(imageParts(image)?.tag ?? '')?.[1]);
  return row?.legacy && Number.isFinite(major) && major < row.legacy.before ? { ...row, exec: row.legacy.exec } : row;
}

function serviceRowFor(image: string | undefined): ServiceCheck | undefined {
  const parts = imageParts(image);
  if (!parts) return undefined;
  const exact = SERVICE_CHECKS.find((row) => row.images.includes(parts.repo));
  if (exact) return exact;
  const last = parts.repo.split('/').pop() ?? '';
  return SERVICE_CHECKS.find((row) => row.images.some((i) => !i.includes('/') && i === last) || row.images.includes(parts.repo.split('/').slice(-2).join('/')));
}

/**
 * Images that take long to start (a JVM loading its indices or realm, a cluster joining): a liveness
 * probe that starts after the usual 10 s and fails three times restarts them before they ever open
 * their port. One row per family, matched on a word of the image's name (so a vendor build such as
 * `pires/docker-elasticsearch-kubernetes` counts), with the delay the maintained charts use.
 */
export interface SlowStart {
  /** Words of the image name (split on `/`, `-`, `_`, `.`) that name the family. */
  words: readonly string[];
  what: string;
  /** Seconds before the first liveness probe. */
  initialDelaySeconds: number;
  source: string;
}

export const SLOW_STARTING: readonly SlowStart[] = [
  {
    words: ['elasticsearch', 'opensearch'],
    what: 'Elasticsearch',
    initialDelaySeconds: 90,
    source: 'https://github.com/bitnami/charts/commit/d0bd58a (bitnami/elasticsearch livenessProbe.initialDelaySeconds: 90)',
  },
];

/** The row for an image known to start slowly, by a word of its name; undefined when not known. */
export function slowStartFor(image: string | undefined): SlowStart | undefined {
  const parts = imageParts(image);
  if (!parts) return undefined;
  const words = new Set(parts.repo.split(/[/._-]+/));
  return SLOW_STARTING.find((row) => row.words.some((w) => words.has(w)));
}

/**
 * HTTP images whose own Dockerfile sets the port (`EXPOSE` in the base image, invisible in the
 * file built on it) and, where it differs from the default guess, the tool they have to check with.
 */
export interface HttpImage {
  match: (repo: string, tag: string) => boolean;
  port: (tag: string) => number;
  tool?: HttpTool;
  source: string;
}

const major = (tag: string) => Number(/^(\d+)/.exec(tag)?.[1] ?? NaN);

export const HTTP_IMAGES: readonly HttpImage[] = [
  // Debian-based: bash is there, curl is not promised; the alpine variants have BusyBox.
  { match: (r, t) => r === 'nginx' && !t.includes('alpine'), port: () => 80, tool: 'bash', source: 'https://hub.docker.com/_/nginx' },
  { match: (r) => r === 'nginx', port: () => 80, source: 'https://hub.docker.com/_/nginx' },
  { match: (r) => r === 'nginxinc/nginx-unprivileged', port: () => 8080, source: 'https://hub.docker.com/r/nginxinc/nginx-unprivileged' },
  { match: (r, t) => r === 'httpd' && !t.includes('alpine'), port: () => 80, tool: 'bash', source: 'https://hub.docker.com/_/httpd' },
  { match: (r) => r === 'httpd', port: () => 80, source: 'https://hub.docker.com/_/httpd' },
  // The php images install curl; the apache variants serve on 80.
  { match: (r, t) => r === 'php' && t.includes('apache'), port: () => 80, tool: 'curl', source: 'https://hub.docker.com/_/php' },
  // Built on python slim: no curl, python itself.
  { match: (r) => r.startsWith('tiangolo/'), port: () => 80, tool: 'python', source: 'https://github.com/tiangolo/uvicorn-gunicorn-fastapi-docker' },
  // ASP.NET Core listens on 80 before .NET 8 and on 8080 from it; the images have neither curl nor wget.
  { match: (r) => /^(?:mcr\.microsoft\.com\/)?dotnet\/(?:aspnet|runtime)$/.test(r), port: (t) => (major(t) >= 8 ? 8080 : 80), tool: 'bash', source: 'https://learn.microsoft.com/en-us/dotnet/core/compatibility/containers/8.0/aspnet-port' },
];

function httpImageFor(image: string | undefined): { row: HttpImage; tag: string } | undefined {
  const parts = imageParts(image);
  const row = parts && HTTP_IMAGES.find((r) => r.match(parts.repo, parts.tag));
  return row && parts ? { row, tag: parts.tag } : undefined;
}

/** The port an HTTP image listens on by its own Dockerfile, when the table knows it. */
export function imageDefaultPort(image: string | undefined): number | undefined {
  const found = httpImageFor(image);
  return found?.row.port(found.tag);
}

/** The program an HTTP check can use inside an image. */
export type HttpTool = 'curl' | 'wget' | 'node' | 'python' | 'distroless-node' | 'bash';

/**
 * What an image has to make an HTTP request with, or `none` (scratch, distroless: nothing can),
 * or undefined when the image is unknown (no check is offered: a guessed curl fails in every
 * slim, Alpine and vendor image without it).
 * - node and python `-slim`/`-alpine` images lack curl; their runtime can make the request.
 *   The full (Debian) node and python images ship curl.
 * - Alpine and BusyBox images have BusyBox `wget`, not curl.
 * - distroless and scratch images have no shell and no client; distroless/nodejs has node.
 */
export function httpToolFor(image: string | undefined): HttpTool | 'none' | undefined {
  const parts = imageParts(image);
  if (!parts) return undefined;
  const { repo, tag } = parts;
  const known = httpImageFor(image)?.row.tool;
  if (known) return known;
  if (/(^|\/)distroless\/nodejs/.test(repo)) return 'distroless-node';
  if (repo === 'scratch' || repo.includes('distroless') || repo.startsWith('cgr.dev/chainguard/static')) return 'none';
  const slim = /slim|alpine/.test(tag);
  if (/(^|\/)node$/.test(repo)) return slim ? 'node' : 'curl';
  if (/(^|\/)python$/.test(repo)) return slim ? 'python' : 'curl';
  if (/alpine|busybox/.test(repo) || /alpine/.test(tag)) return 'wget';
  // The bare Debian and Ubuntu images have no curl or wget, but bash can open a TCP connection.
  if (repo === 'debian' || repo === 'ubuntu') return 'bash';
  // The full (buildpack-deps based) language images ship curl; their slim variants do not.
  if (CURL_IMAGES.has(repo.split('/').pop() ?? '') && !/slim/.test(tag)) return 'curl';
  // Anything else: what it has is not known here.
  return undefined;
}

/** Official language images built on buildpack-deps, which installs curl (https://hub.docker.com/_/buildpack-deps). */
const CURL_IMAGES = new Set(['buildpack-deps', 'golang', 'ruby', 'perl', 'rust', 'elixir', 'erlang', 'haskell', 'gcc', 'php']);

/** Node's version from a node image tag (`20-alpine` -> 20), undefined when the tag does not say. */
function nodeMajor(image: string | undefined): number | undefined {
  const tag = imageParts(image)?.tag ?? '';
  const m = /^(\d+)/.exec(tag);
  return m ? Number(m[1]) : undefined;
}

export interface HttpCheck {
  tool: HttpTool;
  /** argv of the check (exec form). */
  argv: string[];
  /** The same as one shell command (`CMD-SHELL`, Dockerfile shell form). */
  shell: string;
  /** What a fix title says it does: `GET /health on port 3000 with wget`. */
  what: string;
}

/** A GET of `path` on `port` with the image's tool; undefined when the image has none. */
export function httpCheck(port: string | number, path: string, image: string | undefined): HttpCheck | undefined {
  const check = httpCheckFor(`http://localhost:${port}${path}`, image);
  return check && { ...check, what: describeHttp(path, port, check.tool) };
}

function httpCheckFor(url: string, image: string | undefined): Omit<HttpCheck, 'what'> | undefined {
  const tool = httpToolFor(image);
  if (tool === undefined) return undefined;
  switch (tool) {
    case 'none':
      return undefined;
    case 'curl':
      return { tool, argv: ['curl', '-f', url], shell: `curl -f ${url} || exit 1` };
    case 'wget':
      return { tool, argv: ['wget', '-q', '--spider', url], shell: `wget -q --spider ${url} || exit 1` };
    case 'node':
    case 'distroless-node': {
      // Node 18 and later have fetch; older ones get http.get.
      const major = nodeMajor(image);
      const script = major !== undefined && major < 18
        ? `require('http').get('${url}', (r) => process.exit(r.statusCode === 200 ? 0 : 1)).on('error', () => process.exit(1))`
        : `fetch('${url}').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))`;
      const node = tool === 'distroless-node' ? '/nodejs/bin/node' : 'node';
      return { tool, argv: [node, '-e', script], shell: `${node} -e "${script}"` };
    }
    case 'bash':
      return undefined;
    case 'python': {
      const script = `import urllib.request; urllib.request.urlopen('${url}', timeout=4)`;
      return { tool, argv: ['python', '-c', script], shell: `python -c "${script}"` };
    }
  }
}

/**
 * A check that the app answers on its port, for when no health route is known: any HTTP answer
 * counts with curl (no `-f`: a 404 from `/` is an answer) and node (`fetch` resolves on any status);
 * BusyBox `nc -z` and Python's socket check that the port accepts connections. Undefined when the
 * image has nothing to check with.
 */
export function portCheck(port: string | number, image: string | undefined): HttpCheck | undefined {
  const tool = httpToolFor(image);
  if (tool === undefined) return undefined;
  const url = `http://localhost:${port}/`;
  switch (tool) {
    case 'none':
      return undefined;
    case 'curl':
      return { tool, argv: ['curl', '-so', '/dev/null', url], shell: `curl -so /dev/null ${url} || exit 1`, what: `HTTP answers on port ${port} with curl` };
    case 'wget':
      return { tool, argv: ['nc', '-z', 'localhost', String(port)], shell: `nc -z localhost ${port} || exit 1`, what: `port ${port} accepts connections (nc)` };
    case 'node':
    case 'distroless-node': {
      const major = nodeMajor(image);
      const script = major !== undefined && major < 18
        ? `require('net').connect(${port}, 'localhost').on('connect', () => process.exit(0)).on('error', () => process.exit(1))`
        : `fetch('${url}').then(() => process.exit(0), () => process.exit(1))`;
      const node = tool === 'distroless-node' ? '/nodejs/bin/node' : 'node';
      const what = major !== undefined && major < 18 ? `port ${port} accepts connections (node)` : `HTTP answers on port ${port} with node`;
      return { tool, argv: [node, '-e', script], shell: `${node} -e "${script}"`, what };
    }
    case 'bash':
      return { tool, argv: ['bash', '-c', `</dev/tcp/localhost/${port}`], shell: `bash -c '</dev/tcp/localhost/${port}' || exit 1`, what: `port ${port} accepts connections (bash)` };
    case 'python': {
      const script = `import socket; socket.create_connection(('localhost', ${port}), 4)`;
      return { tool, argv: ['python', '-c', script], shell: `python -c "${script}"`, what: `port ${port} accepts connections (python)` };
    }
  }
}

/** `GET /health on port 3000 with wget`: what a title says about an HTTP check. */
export function describeHttp(path: string, port: string | number, tool?: HttpTool): string {
  const by = tool === undefined ? '' : tool === 'distroless-node' ? ' with node' : ` with ${tool}`;
  return `GET ${path} on port ${port}${by}`;
}

/** The port from an environment variable named PORT, when its value is a literal number. */
export function portFromEnv(value: string | undefined): string | undefined {
  return value !== undefined && /^\d{2,5}$/.test(value.trim()) ? value.trim() : undefined;
}

/**
 * Data stores that keep state on disk and recover it when they start (WAL replay, InnoDB crash
 * recovery, a journal, a broker's message store, index recovery): a liveness probe that fires while
 * that recovery runs restarts it, and the restart starts the recovery again. Kubernetes' probe guide
 * and the stores' operators (CloudNativePG, the MySQL and RabbitMQ operators) ask for care there, so
 * a missing liveness probe on one of these is a choice, not an omission. Matched on the image's
 * repository or its last path segment (mirrors and vendor builds: `mcr.microsoft.com/oss/bitnami/redis`),
 * tag left out. Search servers with an HTTP health route meant for probes (Meilisearch, Typesense) are
 * not in it.
 */
export const DATA_STORES: readonly string[] = [
  'postgres', 'postgresql', 'postgis', 'timescaledb', 'timescaledb-ha', 'pgvector', 'orioledb',
  'mysql', 'mysql-server', 'mariadb', 'percona', 'percona-server',
  'mongo', 'mongodb', 'mongodb-community-server',
  'redis', 'redis-stack', 'redis-stack-server', 'valkey', 'keydb',
  'rabbitmq', 'kafka', 'cp-kafka', 'cp-server', 'zookeeper', 'cp-zookeeper',
  'elasticsearch', 'opensearch', 'minio', 'cassandra', 'scylla', 'couchdb', 'neo4j', 'influxdb', 'etcd',
  'clickhouse-server', 'cockroach',
  // Published demo databases: rebuilds of mysql (`catalogue-db`) and mongo (`user-db`) with data in them.
  'weaveworksdemos/catalogue-db', 'weaveworksdemos/user-db',
];

/** Whether the image is a known stateful data store (`DATA_STORES`); undefined or templated: false. */
export function isDataStoreImage(image: string | undefined): boolean {
  const parts = imageParts(image);
  if (!parts) return false;
  const last = parts.repo.split('/').pop() ?? '';
  return DATA_STORES.includes(parts.repo) || DATA_STORES.includes(last);
}

/**
 * Headless browsers served to the app over the network (Chrome's DevTools protocol, WebDriver): third-party
 * images as published, but stateless servers of the app's requests, each session started fresh, so an
 * endpoint removed while it still takes new sessions drops them as any service's would. By the image's
 * last path segment.
 */
const HEADLESS_BROWSER = /^(?:alpine-chrome|chrome|chromium|headless-shell|standalone-(?:chrome|chromium|firefox|edge)|selenium-grid|standalone-.*-debug)$/;

/** Whether the image is a headless browser the app drives over the network (`HEADLESS_BROWSER`). */
export function isHeadlessBrowserImage(image: string | undefined): boolean {
  const parts = imageParts(image);
  if (!parts) return false;
  return HEADLESS_BROWSER.test(parts.repo.split('/').pop() ?? '');
}

/**
 * Helpers that run beside a pod's app and are watched through it, not restarted by their own probe:
 * a Prometheus exporter (a hung one shows as a failed scrape, `up == 0`, which is how exporters are
 * monitored) and a database auth proxy sidecar (the Cloud SQL and AlloyDB proxies: when it hangs, the
 * app's own checks fail). By the image's last path segment.
 */
const EXPORTER = /[-_]exporter$/;
const AUTH_PROXY = /^(?:gce-proxy|cloud-sql-proxy|cloudsql-proxy|alloydb-auth-proxy)$/;

export type HelperImage = 'exporter' | 'auth-proxy';

/** What `helperNamed` says of an image's (or, when the image is templated, a container's) name. */
export function helperNamed(name: string | undefined): HelperImage | undefined {
  if (!name) return undefined;
  const last = name.trim().toLowerCase().split('@')[0].replace(/:[^/]*$/, '').split('/').pop() ?? '';
  if (EXPORTER.test(last)) return 'exporter';
  if (AUTH_PROXY.test(last)) return 'auth-proxy';
  return undefined;
}
