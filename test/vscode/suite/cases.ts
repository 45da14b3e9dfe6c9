// The editor suite's expectations, as data: one row per rule family, on the files of
// test/workspaces/e2e. A row lists every rule it speaks for (`rules`): for those rules the file must
// show exactly the `expect`ed diagnostics (other rules' findings on the same file are not this row's
// business). Lines are 1-based; `text` is the text the diagnostic's range covers.
import type { SeverityName } from './helpers';

export interface ExpectedDiagnostic {
  rule: string;
  line: number;
  text: string;
  severity: SeverityName;
}

export interface DiagnosticCase {
  family: string;
  file: string;
  /** The language VS Code gives the file: the extension must be listening for it. */
  languageId: string;
  rules: string[];
  expect: ExpectedDiagnostic[];
}

export const DIAGNOSTIC_CASES: DiagnosticCase[] = [
  {
    family: 'manifests (Dockerfile)',
    file: 'Dockerfile',
    languageId: 'dockerfile',
    rules: ['dockerfile-missing-healthcheck'],
    // The final stage's FROM, not the build stage's.
    expect: [{ rule: 'dockerfile-missing-healthcheck', line: 9, text: 'FROM node:20-slim', severity: 'information' }],
  },
  {
    family: 'manifests (Kubernetes)',
    file: 'deploy/k8s/orders.yaml',
    languageId: 'yaml',
    rules: ['missing-liveness-probe', 'missing-readiness-probe', 'missing-resource-limits'],
    // The Deployment's container has a readiness probe and full resources; the CronJob's container
    // needs no probes but has no resources.
    expect: [
      { rule: 'missing-liveness-probe', line: 29, text: 'name: orders', severity: 'warning' },
      { rule: 'missing-resource-limits', line: 59, text: 'name: cleanup', severity: 'warning' },
    ],
  },
  {
    family: 'manifests (Compose)',
    file: 'docker-compose.yml',
    // VS Code's own language for compose files: the extension must listen to it, not only to yaml.
    languageId: 'dockercompose',
    rules: ['compose-missing-healthcheck'],
    expect: [{ rule: 'compose-missing-healthcheck', line: 2, text: 'orders', severity: 'warning' }],
  },
  {
    family: 'manifests (ECS)',
    file: 'deploy/ecs/task-definition.json',
    languageId: 'json',
    rules: ['ecs-missing-health-check', 'ecs-missing-stop-timeout'],
    expect: [
      { rule: 'ecs-missing-health-check', line: 9, text: '"name": "orders"', severity: 'warning' },
      { rule: 'ecs-missing-stop-timeout', line: 9, text: '"name": "orders"', severity: 'information' },
    ],
  },
  {
    family: 'timeouts (TypeScript)',
    file: 'src/clients/inventory.ts',
    languageId: 'typescript',
    rules: ['http-call-without-timeout'],
    // The second fetch has a signal.
    expect: [{ rule: 'http-call-without-timeout', line: 4, text: 'fetch', severity: 'warning' }],
  },
  {
    family: 'timeouts (JavaScript)',
    file: 'src/clients/billing.js',
    languageId: 'javascript',
    rules: ['http-call-without-timeout'],
    // The refund call passes a timeout.
    expect: [{ rule: 'http-call-without-timeout', line: 6, text: 'axios.post', severity: 'warning' }],
  },
  {
    family: 'logging',
    file: 'src/orders.ts',
    languageId: 'typescript',
    rules: ['console-log', 'interpolated-log-message'],
    expect: [
      { rule: 'interpolated-log-message', line: 13, text: '`order ${order.id} reserved ${order.quantity} of ${order.sku}`', severity: 'warning' },
      { rule: 'console-log', line: 17, text: 'console.log', severity: 'warning' },
    ],
  },
  {
    family: 'Python',
    file: 'workers/notify.py',
    languageId: 'python',
    rules: ['http-call-without-timeout', 'interpolated-log-message', 'print-call'],
    // The bounce call passes a timeout; the log call's message is the f-string.
    expect: [
      { rule: 'http-call-without-timeout', line: 11, text: 'requests.post', severity: 'warning' },
      { rule: 'interpolated-log-message', line: 12, text: 'f"order {order_id} notified"', severity: 'warning' },
    ],
  },
  {
    family: 'shutdown (workspace rule)',
    file: 'src/server.ts',
    languageId: 'typescript',
    rules: ['missing-sigterm-handler'],
    expect: [{ rule: 'missing-sigterm-handler', line: 25, text: 'listen', severity: 'warning' }],
  },
];

export interface QuickFixCase {
  file: string;
  rule: string;
  line: number;
  /** The code action's title starts with this. */
  title: string;
  /** The whole document after the fix is the original with `insert` placed right before `before`. */
  insert: string;
  before: string;
}

export const QUICK_FIX_CASES: QuickFixCase[] = [
  {
    file: 'Dockerfile',
    rule: 'dockerfile-missing-healthcheck',
    line: 9,
    title: 'Add HEALTHCHECK',
    // Before the final stage's CMD, on the EXPOSEd port; node:*-slim has no curl, so node makes the request.
    insert:
      'HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \\\n' +
      `  CMD ["node", "-e", "fetch('http://localhost:8080/').then(() => process.exit(0), () => process.exit(1))"]\n`,
    before: 'CMD ["node", "dist/server.js"]',
  },
  {
    file: 'deploy/k8s/orders.yaml',
    rule: 'missing-liveness-probe',
    line: 29,
    title: 'Add livenessProbe',
    // At the end of the container, at its indentation, on its named port and the path its readiness probe calls.
    insert:
      '\n          livenessProbe:\n            httpGet:\n              path: /health\n              port: http\n            initialDelaySeconds: 10\n            periodSeconds: 10',
    before: '\n---\napiVersion: batch/v1',
  },
  {
    file: 'src/clients/inventory.ts',
    rule: 'http-call-without-timeout',
    line: 4,
    title: 'Add signal: AbortSignal.timeout(10_000)',
    // Into the init object literal, keeping its indentation and trailing comma.
    insert: '\n    signal: AbortSignal.timeout(10_000),',
    before: '\n  });\n  return response.ok;',
  },
];

/** A finding to silence with "Ignore <rule> for this line"; the comment lands above `line`. */
export const IGNORE_CASE = { file: 'Dockerfile', rule: 'dockerfile-missing-healthcheck', line: 9, comment: '# prodready-ignore-next-line dockerfile-missing-healthcheck' };

/** A rule the settings test turns off (and raises to error) through `prodready.rules`. */
export const SETTINGS_CASE = { file: 'Dockerfile', rule: 'dockerfile-missing-healthcheck', line: 9 };

/**
 * Snippets inserted into a document at `<<cursor>>` (alone on its line, with that line's indentation).
 * The expected text comes from test/support/snippets.ts (expectedInsertion: the snippet expanded at its
 * defaults, indented the way VS Code indents it), so the editor and the snippet tests agree.
 */
export interface SnippetCase {
  languageId: string;
  /** The snippet's name in snippets/<file>.code-snippets (the key). */
  name: string;
  prefix: string;
  file: string;
  host: string;
}

export const SNIPPET_CASES: SnippetCase[] = [
  {
    languageId: 'typescript',
    name: 'fetch with a timeout',
    prefix: 'pr-fetch-timeout',
    file: 'javascript.code-snippets',
    host: [
      "const CATALOG_URL = process.env.CATALOG_URL ?? 'http://catalog:8080';",
      '',
      'export async function product(id: string): Promise<unknown> {',
      '  const url = `${CATALOG_URL}/products/${id}`;',
      '  <<cursor>>',
      '  return data;',
      '}',
      '',
    ].join('\n'),
  },
  {
    languageId: 'yaml',
    name: 'Kubernetes liveness probe',
    prefix: 'pr-k8s-liveness-probe',
    file: 'yaml.code-snippets',
    host: [
      'apiVersion: apps/v1',
      'kind: Deployment',
      'metadata:',
      '  name: catalog',
      'spec:',
      '  selector:',
      '    matchLabels:',
      '      app: catalog',
      '  template:',
      '    metadata:',
      '      labels:',
      '        app: catalog',
      '    spec:',
      '      containers:',
      '        - name: catalog',
      '          image: registry.example.com/catalog:2.0.1',
      '          <<cursor>>',
      '          ports:',
      '            - containerPort: 8080',
      '',
    ].join('\n'),
  },
];
