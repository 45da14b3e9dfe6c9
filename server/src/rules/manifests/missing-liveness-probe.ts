import type { Rule } from '../../engine/types';
import { describe } from './k8s';
import { checkProbe, probeFixes, type ProbeKind } from './probes';

const LIVENESS: ProbeKind = {
  key: 'livenessProbe',
  path: '/health',
  initialDelaySeconds: 10,
  periodSeconds: 10,
  message: (c) =>
    `${describe(c)} has no livenessProbe: Kubernetes restarts it only when its process exits, so a hung process (deadlock, exhausted pool, stuck event loop) stays up and keeps its share of traffic.`,
};

export const missingLivenessProbe: Rule = {
  id: 'missing-liveness-probe',
  family: 'manifests',
  kinds: ['kubernetes'],
  roles: ['service'],
  defaultSeverity: 'warning',
  fix: 'unsafe',
  summary: 'A long-running Kubernetes container has no livenessProbe.',
  docs: {
    whatItDoes:
      'Flags each container of a pod template (Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, items of a `List`, and custom resources with a pod template at `spec.template.spec` such as Argo Rollouts or OpenShift DeploymentConfigs) that declares no `livenessProbe`. Native sidecars (init containers with `restartPolicy: Always`) are checked; other init containers are not. Jobs, CronJobs, Pods with `restartPolicy: Never`/`OnFailure` and Helm hooks (`helm.sh/hook` annotations, `helm test` pods included) run to completion and are not checked, nor is a workload whose `kind` comes from a template, a container whose command only idles (`sleep infinity`, `tail -f /dev/null`, a `while true; do sleep` loop: kept to `exec` into) or a load generator with no ports (by name or image: loadgenerator, locust, k6, artillery, ...). Manifests under test, CI and local-development paths are not read (the project model; `prodready explain`). A container with no `image` is a Kustomize patch fragment and is skipped. **Decision (where a missing liveness probe is a choice):** no finding for a container whose image is a known stateful data store (`DATA_STORES` in `health-checks.ts`: postgres and its variants, mysql, mariadb, percona, mongo, redis, valkey, keydb, rabbitmq, kafka, zookeeper, elasticsearch, opensearch, minio, cassandra, couchdb, neo4j, influxdb, etcd, clickhouse, cockroach; by repository or last path segment, so mirrors such as `mcr.microsoft.com/oss/bitnami/redis` count), nor for the workspace\'s rebuild of one (a Dockerfile that only adds files to a stock image and sets no command): such a store replays its log or recovers its indices when it starts, a liveness probe that fires during that recovery restarts it and the recovery begins again, and the Kubernetes probe guide and the stores\' operators ask for care there, so leaving it out is a decision the rule does not second-guess (its readiness probe is still asked for). Nor for a Prometheus exporter (an image whose name ends in `-exporter`/`_exporter`, or, when the image comes from a template, a container so named): a hung exporter shows as a failed scrape (`up == 0`), which is how exporters are watched; nor for a database auth proxy (Cloud SQL `gce-proxy`/`cloud-sql-proxy`, `alloydb-auth-proxy`, or a container named `cloudsql-proxy` when its image is templated) beside another container of the same pod: when it hangs, the app\'s own checks fail. A proxy alone in its pod is the workload and is flagged. Memcached (no state to recover) and search servers with an HTTP health route meant for probes (Meilisearch) are flagged as any other container. In Helm templates, a container whose keys come from a template action (`{{- include "app.probes" . | nindent 10 }}`) is unknown and not flagged; a probe inside `{{- if }}` counts as declared. The finding sits on the container\'s `name` entry.',
    whyItMatters:
      'Checklist: "Health endpoint: /health returns 200 when healthy", "Health checks configured in orchestrator". Without a liveness probe the kubelet restarts a container only when its process exits. A process that is alive but stuck (a deadlock, an exhausted connection pool, a blocked event loop) is never restarted, and a human has to notice and delete the pod.',
    example: {
      path: 'deploy/api.yaml',
      code: 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  selector:\n    matchLabels: {app: api}\n  template:\n    metadata:\n      labels: {app: api}\n    spec:\n      containers:\n        - name: api\n          image: registry.example.com/api:1.4.2\n          ports:\n            - name: http\n              containerPort: 3000\n          readinessProbe:\n            httpGet: {path: /ready, port: http}\n',
    },
    useInstead: {
      path: 'deploy/api.yaml',
      code: 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  selector:\n    matchLabels: {app: api}\n  template:\n    metadata:\n      labels: {app: api}\n    spec:\n      containers:\n        - name: api\n          image: registry.example.com/api:1.4.2\n          ports:\n            - name: http\n              containerPort: 3000\n          readinessProbe:\n            httpGet: {path: /ready, port: http}\n          livenessProbe:\n            httpGet:\n              path: /health\n              port: http\n            initialDelaySeconds: 10\n            periodSeconds: 10\n',
    },
    fixSafety:
      'Unsafe. The fix inserts the checklist\'s probe with `initialDelaySeconds: 10`, `periodSeconds: 10`. For an image the rule knows as a database, broker or cache that is still flagged (a build under another name, memcached; one table in `health-checks.ts`, each row citing its source: postgres, mysql, mariadb, redis/valkey, rabbitmq, mongo, kafka, zookeeper, memcached, elasticsearch/opensearch, nats, mosquitto, with registry prefixes, `library/` and bitnami variants) the probe is the image\'s own check as an `exec` probe with `timeoutSeconds: 5` (`pg_isready -U postgres`, `redis-cli ping`, `rabbitmq-diagnostics -q ping`, `mysqladmin ping`, `healthcheck.sh --connect --innodb_initialized`, `mongosh --eval "db.adminCommand(\'ping\')"`, ...), or a `tcpSocket` probe on its port where the image has no client (memcached, cp-zookeeper, elasticsearch, nats): never an HTTP GET on a port that does not speak HTTP. Otherwise the port is the container\'s first declared TCP port (by name when it has one, else its number), else the `PORT` its `env` sets (else the port the project model passes in; with none known there is no fix, since a probe on a guessed port restarts the pod forever); and the probe is an `httpGet` when a route is known (the path another HTTP probe of the container already calls, or the health route the project model passes in), else a `tcpSocket` probe on that port: a GET of a route that may not exist would restart or starve the pod. The title says which (`Add livenessProbe: GET /healthz on port 3000`, `Add livenessProbe: TCP on port 3000`). An image known to start slowly (`SLOW_STARTING` in `health-checks.ts`, matched on a word of its name so vendor builds such as `pires/docker-elasticsearch-kubernetes` count: Elasticsearch and OpenSearch, 90 s as the Bitnami chart uses) gets that `initialDelaySeconds` instead of 10, and the title says so (`Add livenessProbe: TCP on port http, first after 90 s (Elasticsearch starts slowly)`): a JVM that has not opened its port within the first 40 s would otherwise be restarted before it ever starts. It is indented like the file and placed after the container\'s last entry (in a Helm template, before any template action inside the container). Nothing in the manifest proves the app answers on that port (or serves that route): if it does not, every probe fails and the kubelet restarts the container forever, an outage the rule never intended. So the fix is offered as a quick fix to review, never applied by fix-all.',
    references: [
      'https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/',
      'https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle/#container-probes',
    ],
  },
  check: (ctx) => checkProbe(ctx, LIVENESS),
  fixes: (finding, ctx) => probeFixes(finding, ctx, LIVENESS, false),
};
