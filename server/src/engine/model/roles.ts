// What a file is for: the vocabulary of the project model, and the path conventions it starts from.
// Every rule declares the roles it applies to (most: `service`); the engine asks the model for the
// file's role once per document version and runs only the rules that apply. No rule keeps its own
// idea of what a test, a script or browser code is.

import picomatch from 'picomatch';

export type FileRole = 'service' | 'browser' | 'test' | 'dev' | 'script' | 'config' | 'build' | 'generated' | 'example';

export const FILE_ROLES: readonly FileRole[] = ['service', 'browser', 'test', 'dev', 'script', 'config', 'build', 'generated', 'example'];

export const ROLE_DESCRIPTIONS: Record<FileRole, string> = {
  service: 'runs in production as (part of) a long-running service',
  browser: 'front-end code that runs in a browser or a mobile app',
  test: 'tests, test helpers and fixtures, and the compose files and images that run them',
  dev: 'local development environments: dev compose files and containers, stacks of stock dependencies started for local runs',
  script: 'one-off programs: command line tools, migrations, seeds, set-up scripts, load tests',
  config: 'build and tool configuration (bundlers, test runners, linters, task runners)',
  build: 'an image or container that builds, generates or exports something and exits',
  generated: 'generated or vendored code, fixed in its generator or upstream',
  example: 'examples and documentation',
};

/** Where a role answer came from, strongest first. */
export type RoleSource = 'override' | 'path' | 'package' | 'content' | 'workspace' | 'default';

export interface RoleAnswer {
  role: FileRole;
  /** One sentence a person can check: "matches the test path `**\/test/**`". */
  reason: string;
  source: RoleSource;
  /** The file (workspace-relative or absolute) and line that gave the answer, when another file did. */
  evidence?: { path: string; line?: number };
}

export function isFileRole(value: unknown): value is FileRole {
  return typeof value === 'string' && (FILE_ROLES as readonly string[]).includes(value);
}

/**
 * Path conventions, matched against the path relative to the file's package (nearest package.json or
 * Python project file; the workspace root when there is none), so that a package that lives under
 * `examples/` or `tools/` in a monorepo is judged by its own layout. First match wins.
 */
export const ROLE_PATHS: ReadonlyArray<{ role: FileRole; globs: readonly string[] }> = [
  {
    role: 'test',
    globs: [
      '**/*.test.*', '**/*.spec.*', '**/*.e2e.*', '**/*.cy.*', '**/*-test.*', '**/*_test.*', '**/test_*.py', '**/conftest.py',
      '**/__tests__/**', '**/__mocks__/**', '**/__fixtures__/**', '**/test/**', '**/tests/**', '**/e2e/**', '**/testing/**',
      '**/*[-_]test/**', '**/*[-_]tests/**',
      // `tests_e2e/`, `tests-integration/`, `e2e_tests/`, `api-e2e/`: a test suite's folder by its kind. Only the plural
      // `tests` prefix: a `test-runner/` or `test-workflow/` folder is as often a product feature that runs users' tests.
      '**/tests[-_]*/**', '**/e2e[-_]*/**', '**/*[-_]e2e/**', '**/jest.*', '**/vitest.*', '**/karma.*', '**/playwright.*', '**/cypress.*',
      '**/cypress/**', '**/playwright/**', '**/acceptance/**', '**/test-utils/**', '**/testutils/**', '**/fixtures/**', '**/spec/**',
      '**/test-setup.*', '**/setup-tests.*', '**/setupTests.*', '**/jest.setup.*', '**/vitest.setup.*',
      // `test.Dockerfile` (the prefix form, as `dev.Dockerfile` is dev) as well as `api.test.Dockerfile` and `Dockerfile.test`.
      '**/*.test.Dockerfile', '**/*.test.dockerfile', '**/test.Dockerfile', '**/test.dockerfile', '**/tests.Dockerfile', '**/Dockerfile.test', '**/Dockerfile.tests', '**/Dockerfile.ci',
      '**/Dockerfile.e2e', '**/Dockerfile.cypress', '**/Dockerfile.playwright',
      '**/*.test.y?(a)ml', '**/*.tests.y?(a)ml', '**/*-test.y?(a)ml', '**/*-tests.y?(a)ml', '**/*.ci.y?(a)ml', '**/*-ci.y?(a)ml',
      '**/*.e2e.y?(a)ml', '**/*-e2e.y?(a)ml', '**/*.integration.y?(a)ml', '**/*-integration.y?(a)ml',
      '**/.github/**', '**/.circleci/**', '**/.gitlab/**', '**/ci/**', '**/.ci/**',
      // A regression-test network (Bitcoin's and Lightning's `regtest` mode): nodes started for the test suite.
      '**/regtest/**', '**/regtests/**',
    ],
  },
  {
    role: 'dev',
    globs: [
      '**/.devcontainer/**', '**/devcontainer/**', '**/dev/containers/**', '**/dev-env/**', '**/dev-envs/**', '**/Dockerfile.dev', '**/Dockerfile.local', '**/*.dev.Dockerfile', '**/dev.Dockerfile',
      '**/*.dev.y?(a)ml', '**/*-dev.y?(a)ml', '**/*.dev-*.y?(a)ml', '**/*.local.y?(a)ml', '**/*-local.y?(a)ml', '**/*.override.y?(a)ml', '**/*-override.y?(a)ml', '**/docker-compose.db.y?(a)ml',
      '**/*-infra.y?(a)ml', '**/*.infra.y?(a)ml',
      // A compose file that builds every image from source for a local run (the deployed one pulls published images).
      '**/docker-compose.build.y?(a)ml', '**/docker-compose-build.y?(a)ml', '**/compose.build.y?(a)ml',
      // Gitpod's workspace image and configuration: a developer's cloud workspace.
      '**/.gitpod.Dockerfile', '**/.gitpod.dockerfile', '**/.gitpod/**',
    ],
  },
  {
    role: 'script',
    globs: [
      // `.scripts/` is the dot-folder some repositories keep their maintenance scripts in (release, publish, checks).
      '**/bin/**', '**/scripts/**', '**/.scripts/**', '**/script/**', '**/cli/**', '**/cli.*', 'tools/**', '**/devtools/**',
      '**/migrations/**', '**/migration/**', '**/migrate/**', '**/seeds/**', '**/seeders/**', '**/seed/**', '**/seed.*', '**/seeds.*',
      // A module of migration steps by name, in JS or Python (an app's `core/migrations.py` run at start-up or by a command).
      '**/migrate.*', '**/migrations.?([cm])[jt]s', '**/migrations.py', '**/load-test*/**', '**/loadtest*/**', '**/k6/**', '**/.artillery/**', '**/artillery/**',
      '**/benchmark*/**', '**/bench/**',
      // Code generators: run by a developer or the build, never deployed.
      '**/codegen/**', '**/code-generation/**', '**/code-gen/**',
      // A top-level contrib/ holds contributed extras and scratch programs (Postgres, Redis and Git keep theirs
      // there), not the deployed service; a package's own contrib/ module (django/contrib) is not matched.
      'contrib/**',
    ],
  },
  {
    role: 'config',
    globs: [
      '**/*.config.*', '**/*.conf.?([cm])[jt]s', '**/*rc.?([cm])[jt]s', '**/.*rc.?([cm])[jt]s', '**/gulpfile.*', '**/Gruntfile.*',
      '**/webpack.*.?([cm])[jt]s', '**/webpack/**', '**/rollup.*.?([cm])[jt]s', '**/.storybook/**', '**/.husky/**', '**/.vscode/**',
    ],
  },
  { role: 'browser', globs: ['**/*.stories.*', '**/client-only/**', '**/public/**', '**/static/**', '**/assets/**', '**/wwwroot/**', 'client/**', 'frontend/**', 'front-end/**'] },
  { role: 'generated', globs: ['**/vendor/**', '**/vendors/**', '**/third_party/**', '**/third-party/**'] },
  { role: 'example', globs: ['**/examples/**', '**/example/**', '**/docs/**', '**/doc/**', '**/demo/**', '**/demos/**', '**/samples/**', '**/playground/**', '**/playgrounds/**'] },
];

/**
 * Text every path a glob matches holds: its longest run of plain characters, outside any group
 * (`(...)`, `[...]`, `{...}`: optional or one of several) and between slashes (`**\/` may match no folder
 * at all). `'**\/*.test.*'` -> `'.test.'`, `'**\/test/**'` -> `'test'`. Empty when nothing is certain
 * (an escape, a negation, only wildcards).
 */
export function textEveryMatchHolds(glob: string): string {
  if (glob.includes('\\') || glob.startsWith('!')) return '';
  let best = '';
  let run = '';
  let depth = 0;
  const end = () => {
    if (depth === 0 && run.length > best.length) best = run;
    run = '';
  };
  for (const c of glob) {
    if (c === '(' || c === '[' || c === '{') {
      end();
      depth++;
    } else if (c === ')' || c === ']' || c === '}') {
      run = '';
      depth = Math.max(0, depth - 1);
    } else if (depth > 0 || '*?+@!|/'.includes(c)) end();
    else run += c;
  }
  end();
  return best;
}

// Compiled globs, keyed by the glob list: a pure cache of a pure function.
const matchers = new Map<string, (p: string) => boolean>();
export function matcher(globs: readonly string[]): (p: string) => boolean {
  const key = globs.join('\n');
  let m = matchers.get(key);
  if (!m) {
    // Each glob's regular expression runs only on a path that holds the glob's certain text: a substring
    // search, where picomatch's expressions cost some 50 µs a path for the role lists (the bench corpus's
    // 2,700 paths took 250 ms; a scan asks each path two or three times).
    const compiled = globs.map((g) => ({ holds: textEveryMatchHolds(g), re: picomatch.makeRe(g, { dot: true }) }));
    m = (p: string) => {
      for (const { holds, re } of compiled) if ((holds === '' || p.includes(holds)) && re.test(p)) return true;
      return false;
    };
    if (matchers.size > 256) matchers.clear();
    matchers.set(key, m);
  }
  return m;
}

// The answers of roleByPath, by path: the same paths are asked again for every file importing them, and
// the compiled globs cost a fraction of a millisecond per path (a pure cache of a pure function).
const byPath = new Map<string, { role: FileRole; glob: string } | undefined>();

/** The first path convention a package-relative path matches. */
export function roleByPath(packageRelative: string): { role: FileRole; glob: string } | undefined {
  if (byPath.has(packageRelative)) return byPath.get(packageRelative);
  let answer: { role: FileRole; glob: string } | undefined;
  for (const { role, globs } of ROLE_PATHS) {
    if (!matcher(globs)(packageRelative)) continue;
    answer = Object.freeze({ role, glob: globs.find((g) => matcher([g])(packageRelative))! });
    break;
  }
  if (byPath.size > 16_384) byPath.clear();
  byPath.set(packageRelative, answer);
  return answer;
}

