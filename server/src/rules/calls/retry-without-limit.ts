// retry-without-limit: retries that never give up. Retry libraries are rows of the CLIENTS table
// (clients.ts); hand-written loops are read by retry-loops.ts.

import type { Rule, RuleContext, RuleFinding } from '../../engine/types';
import { defaultsFor } from './clients';
import { pythonCallFindings, pythonCallFixes, pythonDefaultsFor } from './python-clients';
import { findingsOf, tableProblems } from './constructions';
import { retryLoops } from './retry-loops';
import { pythonRetryLoops } from './python-retry-loops';

const ID = 'retry-without-limit';

function loopFindings(ctx: RuleContext): RuleFinding[] {
  return retryLoops(ctx.doc)
    .filter((loop) => loop.unbounded)
    .map((loop) => ({
      start: loop.keyword.start,
      end: loop.keyword.end,
      message: 'Retry loop with no attempt limit: nothing but success ends it, so while the dependency is down this keeps retrying (and the request waiting on it never fails). Count the attempts and give up after a few, rethrowing the last error.',
    }));
}

function pythonLoopFindings(ctx: RuleContext): RuleFinding[] {
  return pythonRetryLoops(ctx.doc)
    .filter((loop) => loop.unbounded)
    .map((loop) => ({
      start: loop.keyword.start,
      end: loop.keyword.end,
      message: 'Retry loop with no attempt limit: nothing but success ends `while True`, so while the dependency is down this keeps retrying (and whatever waits on it never fails). Count the attempts and give up after a few, re-raising the last error (or use tenacity with `stop=`).',
    }));
}

export const retryWithoutLimit: Rule = {
  id: ID,
  family: 'calls',
  kinds: ['js', 'python'],
  roles: ['service'],
  defaultSeverity: 'warning',
  fix: 'unsafe',
  summary: 'Retries that never give up (p-retry `forever: true`, `retries: Infinity`, `while (true)` retry loops).',
  docs: {
    whatItDoes: [
      'Flags retries with no bound on the attempts:',
      '',
      defaultsFor(ID),
      '',
      '**Python**: the same concern in the Python clients (one row each, `**kwargs` and options from elsewhere are unknown):',
      pythonDefaultsFor(ID),
      '- **Hand-written retry loops**: `while (true)`, `for (;;)` or `do ... while (true)` whose `try` awaits a call and leaves the loop when it succeeds, when nothing else in the loop (the `catch`, the statements around the `try`) can end it: no `throw`, `return`, `break` or `process.exit`. Flagged on the loop keyword. A loop with a condition (`while (attempt < 5)`, `while (!connected)`) is bounded by it, as far as this rule can tell.',
      '- **Python hand-written retry loops**: `while True:` whose `try` calls something and leaves the loop on success, when neither the `except` nor the statements after the `try` raise, return or break. Flagged on `while`.',
      '',
      'How long "forever" is: as long as the dependency stays down, the process lives, or the caller waits, whichever is longest; each retry also holds whatever the caller holds (a request, a lock, a queue message whose visibility timeout then expires and is delivered again).',
    ].join('\n'),
    whyItMatters:
      'Checklist: "Retries with exponential backoff" and a bounded number of them. A retry that never gives up turns a failed dependency into a hung caller: the error that should reach a circuit breaker, a dead-letter queue or a user is never raised, and the retries keep load on the dependency while it tries to recover.',
    example: {
      path: 'src/publish.ts',
      code: "import pRetry from 'p-retry';\n\nexport async function publish(event: Event) {\n  return pRetry(() => send(event), { forever: true });\n}\n",
    },
    useInstead: {
      path: 'src/publish.ts',
      code: "import pRetry from 'p-retry';\n\nexport async function publish(event: Event) {\n  return pRetry(() => send(event), { retries: 5 });\n}\n",
    },
    fixSafety: 'tenacity without `stop=` gets an unsafe fix adding `stop=stop_after_attempt(5)` (importing `stop_after_attempt` the way the file imports tenacity): callers that never saw an error now get `tenacity.RetryError` after the fifth attempt, and how many attempts are enough is the author\'s call. Everything else has no automatic fix: how many attempts are enough, and what to do after the last one (rethrow, dead-letter, alert), is the author\'s decision.',
    references: ['https://github.com/sindresorhus/p-retry#forever', 'https://github.com/vercel/async-retry#api', 'https://aws.amazon.com/builders-library/timeouts-retries-and-backoff-with-jitter/'],
  },
  check: (ctx) => (ctx.doc.kind === 'python' ? [...pythonCallFindings(ctx.doc, ID), ...pythonLoopFindings(ctx)] : [...findingsOf(tableProblems(ctx.doc), ID), ...loopFindings(ctx)]),
  fixes: (finding, ctx) => (ctx.doc.kind === 'python' ? pythonCallFixes(ctx.doc, ID, finding) : []),
};
