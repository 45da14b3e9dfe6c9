// What Neovim must receive from the server for the e2e workspace (lines 1-based): a Dockerfile, a
// Kubernetes manifest, TypeScript service code and a Python module. For the rules a row lists, the file must show exactly these findings;
// other rules' findings on the same file are not this row's business.
export const NVIM_CASES = [
  {
    file: 'Dockerfile',
    rules: ['dockerfile-missing-healthcheck'],
    expect: [{ rule: 'dockerfile-missing-healthcheck', line: 9, severity: 'information' }],
  },
  {
    file: 'deploy/k8s/orders.yaml',
    rules: ['missing-liveness-probe', 'missing-readiness-probe', 'missing-resource-limits'],
    expect: [
      { rule: 'missing-liveness-probe', line: 29, severity: 'warning' },
      { rule: 'missing-resource-limits', line: 59, severity: 'warning' },
    ],
  },
  {
    // The workspace rule: the server indexes the workspace on its own (no file is opened for it).
    file: 'src/server.ts',
    rules: ['missing-sigterm-handler'],
    expect: [{ rule: 'missing-sigterm-handler', line: 25, severity: 'warning' }],
  },
  {
    file: 'src/clients/inventory.ts',
    rules: ['http-call-without-timeout'],
    expect: [{ rule: 'http-call-without-timeout', line: 4, severity: 'warning' }],
  },
  {
    // Python: parsed by tree-sitter in the server, so the first publish must already carry these.
    file: 'workers/notify.py',
    rules: ['http-call-without-timeout', 'interpolated-log-message'],
    expect: [
      { rule: 'http-call-without-timeout', line: 11, severity: 'warning' },
      { rule: 'interpolated-log-message', line: 12, severity: 'warning' },
    ],
  },
];

/** The buffer edited in Neovim (didChange): adding a HEALTHCHECK must clear this rule's finding. */
export const NVIM_EDIT = { file: 'Dockerfile', rule: 'dockerfile-missing-healthcheck' };
