// Python's side of the shutdown rules, as data: the servers a module runs itself (and so must stop
// on SIGTERM itself), the app servers that handle SIGTERM for the app they run, and how a module
// installs a SIGTERM handler. Python's default for SIGTERM is to die at once: no `finally`, no
// drain, every request in flight dropped.

import type { ParsedDocument } from '../../engine/document';
import type { WorkspaceFacts } from '../../engine/workspace-facts';
import type { PyNode } from '../../engine/python';
import { calleeMethod, calleeOf, callArguments, moduleFacts, qualifiedName, unparen, valueOf, type ModuleFacts } from '../python/module-facts';

interface SelfRunServer {
  label: string;
  /** Qualified constructors of the server object. */
  constructors: readonly string[];
  /** The method that blocks serving (the finding goes on it). */
  blocks: string;
}

/** Servers a module starts and blocks on itself: nothing else will stop them on SIGTERM. */
export const SELF_RUN_SERVERS: readonly SelfRunServer[] = [
  {
    // Python docs, socketserver: `serve_forever()` handles requests until `shutdown()`; no signal handling.
    label: 'a socketserver server',
    constructors: ['TCPServer', 'UDPServer', 'ThreadingTCPServer', 'ThreadingUDPServer', 'ForkingTCPServer', 'ForkingUDPServer', 'UnixStreamServer', 'ThreadingUnixStreamServer'].map((c) => `socketserver.${c}`),
    blocks: 'serve_forever',
  },
  {
    // Python docs, http.server: HTTPServer / ThreadingHTTPServer are socketserver servers.
    label: 'an http.server server',
    constructors: ['http.server.HTTPServer', 'http.server.ThreadingHTTPServer'],
    blocks: 'serve_forever',
  },
  {
    // Python docs, wsgiref.simple_server.make_server: a WSGIServer (an http.server server).
    label: 'a wsgiref server',
    constructors: ['wsgiref.simple_server.make_server', 'wsgiref.simple_server.WSGIServer'],
    blocks: 'serve_forever',
  },
  {
    // grpc docs, `Server.wait_for_termination()`: blocks until the server stops; grpc installs no SIGTERM handler.
    label: 'a grpc server',
    constructors: ['grpc.server', 'grpc.aio.server'],
    blocks: 'wait_for_termination',
  },
];

/**
 * App servers that install their own SIGTERM handler (stop accepting, drain, run the shutdown
 * hooks) around the app they run: uvicorn (`Server.install_signal_handlers`), gunicorn (the
 * arbiter's SIGTERM is a graceful stop), hypercorn (its `shutdown_trigger`).
 */
export const APP_SERVERS = ['uvicorn', 'gunicorn', 'hypercorn'] as const;

/** Qualified calls that make an app those servers run. */
export const APP_FACTORIES = [
  'fastapi.FastAPI',
  'starlette.applications.Starlette',
  'flask.Flask',
  'quart.Quart',
  'litestar.Litestar',
  'django.core.asgi.get_asgi_application',
  'django.core.wsgi.get_wsgi_application',
] as const;

export interface ServeCall {
  call: PyNode;
  /** The `serve_forever` / `wait_for_termination` name, where the finding goes. */
  name: PyNode;
  label: string;
}

/** The blocking serve calls of the module whose server object it made plainly. */
export function serveCalls(facts: ModuleFacts): ServeCall[] {
  const out: ServeCall[] = [];
  for (const call of facts.calls) {
    const method = calleeMethod(facts, call);
    const server = SELF_RUN_SERVERS.find((s) => s.blocks === method);
    if (!server) continue;
    const callee = calleeOf(facts, call)!;
    const name = callee.childForFieldName('attribute');
    if (!name) continue;
    let object: PyNode | undefined = unparen(callee.childForFieldName('object')!);
    if (object.type === 'identifier' || object.type === 'attribute') object = valueOf(facts, object);
    if (object?.type !== 'call') continue;
    const made = qualifiedName(facts, object.childForFieldName('function'));
    const row = SELF_RUN_SERVERS.find((s) => s.blocks === method && made !== undefined && s.constructors.includes(made));
    if (row) out.push({ call, name, label: row.label });
  }
  return out;
}

export interface SigtermHandler {
  call: PyNode;
  how: 'signal.signal' | 'loop.add_signal_handler';
}

/** `signal.signal(SIGTERM, ...)` and `<loop>.add_signal_handler(SIGTERM, ...)` calls of the module. */
export function sigtermHandlers(facts: ModuleFacts): SigtermHandler[] {
  const out: SigtermHandler[] = [];
  for (const call of facts.calls) {
    // The callee first: most calls are neither, and their arguments need not be read.
    const callee = calleeOf(facts, call);
    if (!callee) continue;
    const how = qualifiedName(facts, callee) === 'signal.signal' ? 'signal.signal' : calleeMethod(facts, call) === 'add_signal_handler' ? 'loop.add_signal_handler' : undefined;
    if (!how) continue;
    const first = callArguments(call).positional[0];
    if (first && isSigterm(facts, first)) out.push({ call, how });
  }
  return out;
}

function isSigterm(facts: ModuleFacts, node: PyNode): boolean {
  const name = qualifiedName(facts, unparen(node));
  return name === 'signal.SIGTERM' || name === 'signal.Signals.SIGTERM';
}

/**
 * What makes a module one that uvicorn, gunicorn or hypercorn runs: a launch command names it (a
 * Dockerfile CMD, a Procfile, a compose `command:`), it makes the app, or it runs one of them.
 */
export function appServerEvidence(doc: ParsedDocument, facts: ModuleFacts, workspace?: WorkspaceFacts): string | undefined {
  const launch = workspace?.appServerOf(doc.path);
  if (launch) return `${workspace!.relativePath(launch.path)}:${launch.line} runs it with ${launch.name}`;
  for (const name of facts.calledNames) {
    if (APP_FACTORIES.some((f) => f === name)) return `it makes the app (\`${name.split('.').pop()}(...)\`)`;
    const root = name.split('.')[0];
    if ((APP_SERVERS as readonly string[]).includes(root)) return `it runs ${root}`;
  }
  void doc;
  return undefined;
}

export function pythonFacts(doc: ParsedDocument): ModuleFacts | undefined {
  return moduleFacts(doc);
}
