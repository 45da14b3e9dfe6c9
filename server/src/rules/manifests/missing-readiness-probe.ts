import type { Rule } from '../../engine/types';
import { describe } from './k8s';
import { checkProbe, probeFixes, type ProbeKind } from './probes';

const READINESS: ProbeKind = {
  key: 'readinessProbe',
  path: '/ready',
  initialDelaySeconds: 5,
  periodSeconds: 5,
  message: (c) =>
    `${describe(c)} has no readinessProbe: it gets traffic as soon as its process starts, before it can serve, and keeps getting it while it cannot (during a rollout, a warm-up or an outage of what it depends on).`,
};

export const missingReadinessProbe: Rule = {
  id: 'missing-readiness-probe',
  family: 'manifests',
  kinds: ['kubernetes'],
  roles: ['service'],
  defaultSeverity: 'warning',
  fix: 'unsafe',
  summary: 'A long-running Kubernetes container has no readinessProbe.',
  docs: {
    whatItDoes:
      'Flags each container of a pod template (Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, items of a `List`, and custom resources with a pod template at `spec.template.spec` such as Argo Rollouts) that declares no `readinessProbe`. Native sidecars (init containers with `restartPolicy: Always`) are checked; other init containers are not. Jobs, CronJobs, Pods with `restartPolicy: Never`/`OnFailure`, workloads whose `kind` comes from a template, and Knative Services (Knative adds a readiness probe of its own) are not checked. A container that declares no `ports`, or only ports named for metrics (`metrics`, `http-metrics`, `prometheus`, `exporter`: the scrape port of a worker or an exporter sidecar), is taken for a worker (a queue consumer, a polling loop) or an exporter: nothing routes traffic to it, so it is not flagged (`missing-liveness-probe` still is). So is a container whose image is built in the workspace from JS/TS or Python code that starts no server and declares no route, run by the image\'s own `node`/`python` command, whatever ports it declares (the project model\'s `imageCode`); the liveness fix then offers no check of a port nothing listens on. A container with no `image` is a Kustomize patch fragment and is skipped. In Helm templates, a container whose keys come from a template action is unknown and not flagged. The finding sits on the container\'s `name` entry.',
    whyItMatters:
      'Checklist: "Readiness endpoint: /ready returns 200 when ready to accept traffic", "Health checks configured in orchestrator". Without a readiness probe a pod counts as ready the moment its process starts: a Service sends it requests while it still loads caches or opens connections, a rolling update removes old pods before the new ones can serve, and a pod that loses its database keeps receiving requests it can only fail.',
    example: {
      path: 'deploy/worker.yaml',
      code: 'apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: search\nspec:\n  serviceName: search\n  selector:\n    matchLabels: {app: search}\n  template:\n    metadata:\n      labels: {app: search}\n    spec:\n      containers:\n        - name: search\n          image: registry.example.com/search:2.0.1\n          ports:\n            - containerPort: 9200\n          livenessProbe:\n            httpGet: {path: /health, port: 9200}\n',
    },
    useInstead: {
      path: 'deploy/worker.yaml',
      code: 'apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: search\nspec:\n  serviceName: search\n  selector:\n    matchLabels: {app: search}\n  template:\n    metadata:\n      labels: {app: search}\n    spec:\n      containers:\n        - name: search\n          image: registry.example.com/search:2.0.1\n          ports:\n            - containerPort: 9200\n          livenessProbe:\n            httpGet: {path: /health, port: 9200}\n          readinessProbe:\n            httpGet:\n              path: /ready\n              port: 9200\n            initialDelaySeconds: 5\n            periodSeconds: 5\n',
    },
    fixSafety:
      'Unsafe. The fix inserts the checklist\'s probe with `initialDelaySeconds: 5`, `periodSeconds: 5`. For an image the rule knows as a database, broker or cache (one table in `health-checks.ts`, each row citing its source: postgres, mysql, mariadb, redis/valkey, rabbitmq, mongo, kafka, zookeeper, memcached, elasticsearch/opensearch, nats, mosquitto, with registry prefixes, `library/` and bitnami variants) the probe is the image\'s own check as an `exec` probe with `timeoutSeconds: 5` (`pg_isready -U postgres`, `redis-cli ping`, `rabbitmq-diagnostics -q ping`, `mysqladmin ping`, `healthcheck.sh --connect --innodb_initialized`, `mongosh --eval "db.adminCommand(\'ping\')"`, ...), or a `tcpSocket` probe on its port where the image has no client (memcached, cp-zookeeper, elasticsearch, nats): never an HTTP GET on a port that does not speak HTTP. Otherwise the port is the container\'s first declared TCP port (by name when it has one, else its number), else the `PORT` its `env` sets, else 8080; and the probe is an `httpGet` when a route is known (the path another HTTP probe of the container already calls, or the health route the project model passes in), else a `tcpSocket` probe on that port: a GET of a route that may not exist would restart or starve the pod. The title says which (`Add readinessProbe: GET /healthz on port 3000`, `Add readinessProbe: TCP on port 3000`). It is indented like the file. Nothing in the manifest proves the app answers on that port (or serves that route): if it does not, the new pods never become ready, a rollout stalls and a fresh deployment serves nothing. So the fix is a quick fix to review, never applied by fix-all.',
    references: [
      'https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/#define-readiness-probes',
      'https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle/#container-probes',
    ],
  },
  check: (ctx) => checkProbe(ctx, READINESS),
  fixes: (finding, ctx) => probeFixes(finding, ctx, READINESS, false),
};
