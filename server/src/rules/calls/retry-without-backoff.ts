// retry-without-backoff: retries that come back at once or at a constant pace. Retry libraries are
// rows of the CLIENTS table (clients.ts); hand-written loops are read by retry-loops.ts.

import type { Rule, RuleContext, RuleFinding } from '../../engine/types';
import { defaultsFor } from './clients';
import { pythonCallFindings, pythonCallFixes, pythonDefaultsFor } from './python-clients';
import { findingsOf, fixesOf, tableProblems } from './constructions';
import { retryLoops } from './retry-loops';
import { pythonRetryLoops } from './python-retry-loops';

const ID = 'retry-without-backoff';

function loopFindings(ctx: RuleContext): RuleFinding[] {
  const sf = ctx.doc.sourceFile;
  const out: RuleFinding[] = [];
  for (const loop of retryLoops(ctx.doc)) {
    if (loop.delay.kind === 'none') {
      const start = loop.catchClause.getStart(sf);
      out.push({
        start,
        end: start + 'catch'.length,
        message: 'Retry loop with no delay: the next attempt follows the failure at once, so a struggling dependency is hit again within milliseconds (by every caller at the same moment). Wait with exponential backoff and jitter before retrying, e.g. `await sleep(2 ** attempt * 100 + Math.random() * 100)`.',
      });
    } else if (loop.delay.kind === 'constant') {
      const at = loop.delay.at;
      out.push({
        start: at.getStart(sf),
        end: at.end,
        message: `Retry loop waiting a constant ${loop.delay.text} ms between attempts: callers that failed together retry together, at the same pace however long the dependency stays down. Grow the wait with each attempt and add jitter, e.g. \`2 ** attempt * 100 + Math.random() * 100\`.`,
      });
    }
  }
  return out;
}

function pythonLoopFindings(ctx: RuleContext): RuleFinding[] {
  const out: RuleFinding[] = [];
  for (const loop of pythonRetryLoops(ctx.doc)) {
    if (loop.delay.kind === 'none') {
      const start = loop.except.startIndex;
      out.push({
        start,
        end: start + 'except'.length,
        message: 'Retry loop with no delay: the next attempt follows the failure at once, so a struggling dependency is hit again within milliseconds (by every caller at the same moment). Wait with exponential backoff and jitter before retrying, e.g. `time.sleep(2 ** attempt * 0.1 + random.random() * 0.1)`, or use tenacity.',
      });
    } else if (loop.delay.kind === 'constant') {
      const at = loop.delay.at;
      out.push({
        start: at.startIndex,
        end: at.endIndex,
        message: `Retry loop waiting a constant ${loop.delay.seconds} s between attempts: callers that failed together retry together, at the same pace however long the dependency stays down. Grow the wait with each attempt and add jitter, e.g. \`2 ** attempt * 0.1 + random.random() * 0.1\`.`,
      });
    }
  }
  return out;
}

export const retryWithoutBackoff: Rule = {
  id: ID,
  family: 'calls',
  kinds: ['js', 'python'],
  roles: ['service'],
  defaultSeverity: 'warning',
  fix: 'sometimes-safe',
  summary: 'Retries with no delay or a constant one (axios-retry without `retryDelay`, `factor: 1`, hand-written retry loops).',
  docs: {
    whatItDoes: [
      'Flags retries that do not back off:',
      '',
      defaultsFor(ID),
      '',
      '**Python**: the same concern in the Python clients (one row each, `**kwargs` and options from elsewhere are unknown):',
      pythonDefaultsFor(ID),
      '- **Hand-written retry loops**: a `for`/`while`/`do` loop whose `try` awaits a call and leaves the loop when it succeeds (`return`/`break`), and whose `catch` goes round again, with no wait before the next attempt (flagged on `catch`) or a constant one (`await sleep(1000)`, `await new Promise((r) => setTimeout(r, 1000))`, `await setTimeout(1000)` from `timers/promises`; flagged on the value). A wait that depends on anything else (`2 ** attempt * 100`, a `let` that doubles, a `backoff(attempt)` helper, a constant from another module) counts as backoff. A `catch` that awaits something else (a reconnect, a helper) is unknown: no finding. Not retries, so not flagged: a loop over a list (`for...of`, `items[i]`, `i < items.length`); a loop whose condition is neither an attempt count (`attempt < 5`, `retries-- > 0`) nor `true` (`while ((flow = pending.get(key)))`); a poll bounded by the clock (`while (Date.now() - started < timeout)`), where a fixed interval is how polling works; failover, where each attempt calls a target picked inside the loop (`const host = pick(remaining)`), so the next attempt goes elsewhere.',
      '',
      '- **Python hand-written retry loops**: the same reading of a `for attempt in range(n)` or `while True` / `while attempt < n` loop whose `try` calls something and leaves the loop on success (`return` / `break`) and whose `except` neither raises nor leaves: no `time.sleep` / `asyncio.sleep` (or trio, anyio, gevent) in the `except` or after the `try` (flagged on `except`), or a sleep of a literal number of seconds (flagged on the value). A sleep of anything else (`2 ** attempt`, a variable the loop multiplies) is backoff; an `except` that calls anything but a sleep or a log call is unknown; a `for` over anything but `range(...)` is not a retry loop.',
      '',
      'got (2 retries for idempotent methods, exponential backoff with jitter) and p-retry\'s and async-retry\'s defaults (`factor` 2) back off already: no finding.',
    ].join('\n'),
    whyItMatters:
      'Checklist: "Retries with exponential backoff". A dependency that fails under load fails harder when every caller retries at once: immediate retries multiply its load by the retry count exactly when it can least take it, and retries at a constant pace keep the callers synchronised, so the dependency sees waves instead of a trickle. Exponential backoff with jitter spreads them out and gives it time to recover.',
    example: {
      path: 'src/client.ts',
      code: "import axios from 'axios';\nimport axiosRetry from 'axios-retry';\n\nexport const api = axios.create({ baseURL: process.env.API_URL, timeout: 5_000 });\naxiosRetry(api, { retries: 3 });\n",
    },
    useInstead: {
      path: 'src/client.ts',
      code: "import axios from 'axios';\nimport axiosRetry from 'axios-retry';\n\nexport const api = axios.create({ baseURL: process.env.API_URL, timeout: 5_000 });\naxiosRetry(api, { retries: 3, retryDelay: axiosRetry.exponentialDelay });\n",
    },
    fixSafety: 'For axios-retry, adding `retryDelay: axiosRetry.exponentialDelay` (the library\'s own exponential backoff with jitter, using the name the file imports it under) is safe: retries still happen, only later. For tenacity, adding `wait=wait_exponential_jitter(initial=0.5, max=10)` (imported the way the file imports tenacity: a `from tenacity import ...` gets the name, `import tenacity` is used as `tenacity.wait_exponential_jitter`; a bare `@retry` becomes `@retry(wait=...)`) is safe for the same reason; it needs tenacity 8.2 or later. Hand-written loops and `factor: 1` have no automatic fix: how long to wait and how to name the attempt counter is the author\'s call.',
    references: [
      'https://github.com/softonic/axios-retry#options',
      'https://github.com/sindresorhus/p-retry#options',
      'https://github.com/vercel/async-retry#api',
      'https://aws.amazon.com/builders-library/timeouts-retries-and-backoff-with-jitter/',
    ],
  },
  check: (ctx) => (ctx.doc.kind === 'python' ? [...pythonCallFindings(ctx.doc, ID), ...pythonLoopFindings(ctx)] : [...findingsOf(tableProblems(ctx.doc), ID), ...loopFindings(ctx)]),
  fixes: (finding, ctx) => (ctx.doc.kind === 'python' ? pythonCallFixes(ctx.doc, ID, finding) : fixesOf(tableProblems(ctx.doc), ID, finding)),
};
