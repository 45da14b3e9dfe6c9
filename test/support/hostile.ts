// The hostile inputs of issue 23, generated (never committed as big files). Each is a file name
// and its text; the regression tests and the fuzzer both use them.

export interface HostileInput {
  /** What it is, for test names and fuzz reports. */
  name: string;
  /** Path relative to a workspace root. */
  file: string;
  text: string;
}

const anchors = (levels: number, fan: number) =>
  `  a0: &a0 {k: 1}\n` + Array.from({ length: levels }, (_, i) => `  a${i + 1}: &a${i + 1} {<<: [${Array(fan).fill(`*a${i}`).join(', ')}]}\n`).join('');

export const HOSTILE: HostileInput[] = [
  // 1. jsonc-parser recursion, reached from analyze outside the per-rule try.
  { name: 'deep ECS task definition', file: 'task.json', text: `{"containerDefinitions": ${'['.repeat(6000)}${']'.repeat(6000)}}` },
  // 2. Rules' recursive walks.
  { name: '700 nested arrays', file: 'arrays.ts', text: `const x = ${'['.repeat(700)}${']'.repeat(700)};\nfetch('http://x/a');\n` },
  { name: '2,000-term concatenation', file: 'concat.ts', text: `const s = ${Array.from({ length: 2000 }, () => "'a'").join(' + ')};\nfetch('http://x/a');\n` },
  { name: '1,000-step then chain', file: 'chain.ts', text: `p${'.then(() => 1)'.repeat(1000)};\nfetch('http://x/a');\n` },
  // 3. Exponential backtracking in Helm masking.
  {
    name: 'Helm line of 40 actions',
    file: 'chart/templates/deploy.yaml',
    text:
      // The line continues a plain scalar, so the masked file still parses and the container rules
      // read the template's own-line actions.
      'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  annotations:\n    note: first\n      ' +
      '{{a}}'.repeat(40) +
      'x{{b}}\nspec:\n  template:\n    spec:\n      containers:\n        - name: web\n          image: web:1\n',
  },
  // 4. Merge keys that fan out: six anchors of ten merges each.
  {
    name: 'merge-key fan-out (manifest)',
    file: 'deploy.yaml',
    text: `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nx:\n${anchors(6, 10)}spec:\n  <<: *a6\n  template:\n    spec:\n      containers:\n        - name: web\n          image: web:1\n          <<: *a6\n`,
  },
  {
    name: 'merge-key fan-out (compose)',
    file: 'compose.yaml',
    text: `x:\n${anchors(6, 10)}services:\n  web:\n    image: web:1\n    <<: *a6\n`,
  },
  // 5. Backtracking after an ignore comment, and unclosed template actions.
  { name: 'ignore comment + 200,000 blanks (JS)', file: 'blanks.ts', text: `console.log('x'); // prodready-ignore-line console-log${' '.repeat(200_000)}x\n` },
  {
    name: 'ignore comment + 200,000 blanks (YAML)',
    file: 'blanks.yaml',
    text: `apiVersion: v1\nkind: ConfigMap # prodready-ignore-line missing-liveness-probe${' '.repeat(200_000)}x\nmetadata:\n  name: c\n`,
  },
  { name: 'ignore comment + 200,000 blanks (Dockerfile)', file: 'Dockerfile', text: `FROM node:20 # prodready-ignore-line dockerfile-missing-healthcheck${' '.repeat(200_000)}x\n` },
  { name: '80,000 unclosed {{.', file: 'unclosed.yaml', text: `apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n# ${'{{.'.repeat(80_000)}\nspec:\n  containers:\n    - name: c\n      image: c:1\n` },
];

/** Python the GLR parser forks on without end: `x = (` then `n` lines of `>-` (3,000 took 90 s to parse). */
export function garbledPython(n: number): string {
  return `x = (\n${'>-\n'.repeat(n)})\n`;
}

/** A Dockerfile of `n` named stages, each `COPY . .` and a node CMD: the final stage is a service without a HEALTHCHECK. */
export function manyStages(n: number): string {
  return Array.from({ length: n }, (_, i) => `FROM node:20-slim AS s${i}\nCOPY . .\nCMD ["node", "server.js"]\n`).join('');
}

/** 6. Many findings in one file: fixes for each must not re-analyse the file each time. */
export function manyFetches(n: number): string {
  return Array.from({ length: n }, (_, i) => `fetch('http://x/${i}');`).join('\n') + '\n';
}

/** 10. A `.prodready.yaml` alias bomb (nine levels of nine: 387 million nodes if expanded). */
export function aliasBomb(): string {
  const levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
  for (let i = 1; i < 9; i++) {
    const name = String.fromCharCode(97 + i);
    const prev = String.fromCharCode(96 + i);
    levels.push(`${name}: &${name} [${Array(9).fill(`*${prev}`).join(',')}]`);
  }
  return `${levels.join('\n')}\nexclude: *i\n`;
}

/**
 * 6. A console-heavy service of `n` Fastify routes, each with a console call and an interpolated
 * request log: two findings with a fix per route (the shape of fuzz input #330, seed 23).
 */
export function consoleHeavy(n: number): string {
  const routes = Array.from(
    { length: n },
    (_, i) => `app.get('/r${i}', async (request) => {\n  request.log.debug('route ${i} hit by ' + request.ip)\n  console.log('served route ${i} for ' + request.ip)\n  return { ok: true }\n})\n`,
  );
  return `'use strict'\n\nconst Fastify = require('fastify')\n\nconst app = Fastify({ logger: true })\n\n${routes.join('\n')}\nprocess.on('SIGTERM', () => app.close())\n\napp.listen({ port: 3000 })\n`;
}
