// sigterm-handler-overrides-server: a Python app that uvicorn, gunicorn or hypercorn runs installs
// its own SIGTERM handler, replacing (or being replaced by) the server's graceful drain.

import type { Rule, RuleFinding } from '../../engine/types';
import { optedOutElsewhere } from '../../engine/opt-outs';
import { appServerEvidence, pythonFacts, sigtermHandlers } from './python-shutdown';

export const sigtermHandlerOverridesServer: Rule = {
  id: 'sigterm-handler-overrides-server',
  family: 'shutdown',
  kinds: ['python'],
  roles: ['service'],
  defaultSeverity: 'warning',
  fix: 'none',
  summary: "A SIGTERM handler in an app that uvicorn, gunicorn or hypercorn runs replaces the server's graceful drain.",
  docs: {
    whatItDoes: [
      'Flags `signal.signal(signal.SIGTERM, ...)` and `<loop>.add_signal_handler(signal.SIGTERM, ...)` in a Python module that uvicorn, gunicorn or hypercorn runs: one a launch command names (`uvicorn app.main:app` or `gunicorn config.wsgi` in a Dockerfile `CMD`/`ENTRYPOINT`, a Procfile, a compose `command:`, in a folder above the module), one that makes the app (`FastAPI()`, `Starlette()`, `Flask(__name__)`, `Quart()`, `Litestar()`, Django\'s `get_asgi_application()` / `get_wsgi_application()`) or that runs one of those servers (`uvicorn.run(...)`).',
      'Those servers install their own SIGTERM handler when they start: stop accepting connections, let in-flight requests finish, run the app\'s shutdown (lifespan) hooks, exit. A process has one handler per signal, so the app\'s handler either replaces the server\'s (installed later: at import under gunicorn\'s worker, in a startup hook, in a request) and the drain is lost, or is replaced by it (installed before `uvicorn.run`) and never runs.',
    ].join('\n\n'),
    whyItMatters:
      'Checklist: "Graceful shutdown: handles SIGTERM, drains connections". A handler that calls `sys.exit()` or closes a pool inside the app turns every deploy back into dropped requests, although the server would have drained them; one that is silently replaced gives a false sense that cleanup runs. The app\'s cleanup belongs in the server\'s shutdown hooks, which run after the drain.',
    example: {
      path: 'app/main.py',
      code: [
        'import signal',
        'import sys',
        '',
        'from fastapi import FastAPI',
        '',
        'app = FastAPI()',
        '',
        '',
        'def stop(signum, frame):',
        '    sys.exit(0)',
        '',
        '',
        'signal.signal(signal.SIGTERM, stop)',
        '',
      ].join('\n'),
    },
    useInstead: {
      path: 'app/main.py',
      code: [
        'from contextlib import asynccontextmanager',
        '',
        'from fastapi import FastAPI',
        '',
        '',
        '@asynccontextmanager',
        'async def lifespan(app: FastAPI):',
        '    yield',
        '    # runs after uvicorn has drained in-flight requests on SIGTERM',
        '    await close_pools()',
        '',
        '',
        'app = FastAPI(lifespan=lifespan)',
        '',
      ].join('\n'),
    },
    fixSafety:
      'No fix yet: moving the handler\'s work into the lifespan shutdown (FastAPI/Starlette), `@app.on_event("shutdown")`, or gunicorn\'s `worker_exit` hook depends on what the handler does (a `sys.exit` should simply go; a pool close should move).',
    references: [
      'https://www.uvicorn.org/deployment/#running-behind-nginx',
      'https://fastapi.tiangolo.com/advanced/events/#lifespan',
      'https://docs.gunicorn.org/en/stable/signals.html',
      'https://docs.python.org/3/library/signal.html#signal.signal',
    ],
  },

  check(ctx): RuleFinding[] {
    const facts = pythonFacts(ctx.doc);
    if (!facts) return [];
    const handlers = sigtermHandlers(facts);
    if (handlers.length === 0) return [];
    const evidence = appServerEvidence(ctx.doc, facts, ctx.workspace);
    if (!evidence) return [];
    return handlers
      .filter((h) => !optedOutElsewhere(ctx.doc, 'sigterm-handler-overrides-server', h.call.startIndex))
      .map((h) => {
        const callee = h.call.childForFieldName('function')!;
        return {
          start: callee.startIndex,
          end: callee.endIndex,
          message: `This module is run by an app server (${evidence}), which handles SIGTERM itself: it stops accepting, drains in-flight requests and runs the shutdown hooks. This \`${h.how}(SIGTERM, ...)\` replaces that handler (or is replaced by it and never runs). Move the cleanup to the app's shutdown (lifespan) hook.`,
        };
      });
  },
};
