// grpc-call-without-deadline's Python half: stubs the module makes from a `*_pb2_grpc` module on a
// channel it makes plain (grpcio's `insecure_channel` / `secure_channel`, sync or `grpc.aio`), and
// the calls made on them with no `timeout`. A channel with interceptors or a service config is
// bounded there; a channel or a stub from elsewhere (a parameter, another module) is unknown.

import type { ParsedDocument } from '../../engine/document';
import type { PyNode } from '../../engine/python';
import type { Fix } from '../../engine/types';
import { addKeywordEdit } from '../timeouts/python-http';
import { calleeMethod, calleeOf, callArguments, moduleFacts, qualifiedName, unparen, valueOf, type ModuleFacts } from '../python/module-facts';
import type { PythonGrpcStub, WorkspaceFacts } from '../../engine/workspace-facts';

/** One row per Python gRPC library: how channels and stubs are made and what bounds a call. */
export interface PyGrpcLibrary {
  library: string;
  /** Calls that make a channel (qualified). */
  channels: readonly string[];
  /** Calls that wrap a channel with interceptors: the result is bounded wherever its interceptors set deadlines. */
  interceptedChannels: readonly string[];
  /** Keyword of a channel call that adds interceptors (`grpc.aio`), or channel options naming a service config. */
  boundingChannelKeywords: readonly string[];
  boundingChannelOptions: readonly string[];
  /** The generated stub classes: `<Service>Stub` of a `*_pb2_grpc` module. */
  stubClass: RegExp;
  /** Methods of a stub's multi-callable that make the same call (`stub.Get.future(req)`). */
  callVariants: readonly string[];
  timeoutKeyword: string;
  /** `stub.Get(request, timeout)`: the positional index of the timeout. */
  timeoutPosition: number;
  disabling: readonly string[];
  default: string;
  source: string;
}

export const PY_GRPC_LIBRARIES: readonly PyGrpcLibrary[] = [
  {
    library: 'grpcio (`grpc`, `grpc.aio`)',
    channels: ['grpc.insecure_channel', 'grpc.secure_channel', 'grpc.aio.insecure_channel', 'grpc.aio.secure_channel'],
    interceptedChannels: ['grpc.intercept_channel'],
    boundingChannelKeywords: ['interceptors'],
    boundingChannelOptions: ['grpc.service_config'],
    stubClass: /(?:^|\.)[A-Za-z_]\w*_pb2_grpc\.[A-Za-z_]\w*Stub$/,
    callVariants: ['future', 'with_call'],
    timeoutKeyword: 'timeout',
    timeoutPosition: 1,
    disabling: ['None'],
    default: '`timeout=None`: "an optional duration of time in seconds to allow for the RPC"; with none the call has no deadline and waits until the server answers or the channel breaks (grpcio API reference, `UnaryUnaryMultiCallable.__call__`).',
    source: 'https://grpc.github.io/grpc/python/grpc.html#grpc.UnaryUnaryMultiCallable',
  },
];

export interface PyGrpcProblem {
  start: number;
  end: number;
  message: string;
  fix?: () => Fix | undefined;
}

/** What a stub expression is: made here on a plain channel (`bounded` says whether the channel bounds it), or unknown. */
type StubState = { library: PyGrpcLibrary; bounded: boolean; made: string } | undefined;

/** `from .gen import users_pb2_grpc` binds `users_pb2_grpc` to `.gen.users_pb2_grpc` (module facts keep absolute imports only). */
function relativeImports(root: PyNode): Map<string, string> {
  const out = new Map<string, string>();
  for (const statement of root.namedChildren) {
    if (statement?.type !== 'import_from_statement') continue;
    const module = statement.childForFieldName('module_name');
    if (module?.type !== 'relative_import') continue;
    for (const child of statement.childrenForFieldName('name')) {
      if (child?.type === 'dotted_name') out.set(child.text, `${module.text}.${child.text}`);
      else if (child?.type === 'aliased_import') {
        const name = child.childForFieldName('name')?.text;
        const alias = child.childForFieldName('alias')?.text;
        if (name && alias) out.set(alias, `${module.text}.${name}`);
      }
    }
  }
  return out;
}

class PyGrpcWalk {
  private readonly relative: Map<string, string>;

  constructor(
    private readonly doc: ParsedDocument,
    private readonly facts: ModuleFacts,
    root: PyNode,
    private readonly workspace: WorkspaceFacts | undefined,
  ) {
    this.relative = relativeImports(root);
  }

  private name(node: PyNode | null | undefined): string | undefined {
    if (!node) return undefined;
    const known = qualifiedName(this.facts, node);
    if (known) return known;
    if (node.type === 'identifier') return this.relative.get(node.text);
    if (node.type === 'attribute') {
      const object = this.name(node.childForFieldName('object'));
      const attr = node.childForFieldName('attribute')?.text;
      return object && attr ? `${object}.${attr}` : undefined;
    }
    return undefined;
  }

  /** Whether a channel expression is one the module makes, and whether something on it sets deadlines. */
  private channel(expr: PyNode | undefined, depth = 0): { library: PyGrpcLibrary; bounded: boolean } | undefined {
    if (!expr || depth > 3) return undefined;
    const e = unparen(expr);
    if (e.type === 'identifier' || e.type === 'attribute') {
      if (this.name(e)) return undefined;
      const value = valueOf(this.facts, e);
      return value ? this.channel(value, depth + 1) : undefined;
    }
    if (e.type !== 'call') return undefined;
    const name = this.name(e.childForFieldName('function'));
    if (!name) return undefined;
    const intercepted = PY_GRPC_LIBRARIES.find((l) => l.interceptedChannels.includes(name));
    if (intercepted) return { library: intercepted, bounded: true };
    const library = PY_GRPC_LIBRARIES.find((l) => l.channels.includes(name));
    if (!library) return undefined;
    const args = callArguments(e);
    if (args.splat) return undefined;
    if (library.boundingChannelKeywords.some((k) => args.keywords.has(k))) return { library, bounded: true };
    const options = args.keywords.get('options')?.value;
    if (options) {
      const o = unparen(options);
      // Options from elsewhere may hold a service config: unknown.
      if (o.type !== 'list' && o.type !== 'tuple') return undefined;
      if (library.boundingChannelOptions.some((opt) => o.text.includes(`'${opt}'`) || o.text.includes(`"${opt}"`))) return { library, bounded: true };
    }
    return { library, bounded: false };
  }

  /** What a stub expression is: `UsersStub(channel)` made here, or a name / `self.attr` holding one. */
  private stub(expr: PyNode | null | undefined, depth = 0): StubState {
    if (!expr || depth > 3) return undefined;
    const e = unparen(expr);
    if (e.type === 'identifier' || e.type === 'attribute') {
      const imported = this.name(e);
      if (imported) return this.importedStub(e, imported);
      const value = valueOf(this.facts, e);
      return value ? this.stub(value, depth + 1) : undefined;
    }
    if (e.type !== 'call') return undefined;
    const callee = e.childForFieldName('function');
    const name = this.name(callee);
    const library = name ? PY_GRPC_LIBRARIES.find((l) => l.stubClass.test(name)) : undefined;
    if (!library || !callee) return undefined;
    const args = callArguments(e);
    const channel = this.channel(args.positional[0] ?? args.keywords.get('channel')?.value);
    return channel ? { library: channel.library, bounded: channel.bounded, made: callee.text } : undefined;
  }

  /** A stub another module of the workspace makes and exports (`from app.clients import users`). */
  private importedStub(node: PyNode, qualified: string): StubState {
    if (node.type !== 'identifier' || !this.workspace?.pythonGrpcStubExport) return undefined;
    const dot = qualified.lastIndexOf('.');
    if (dot <= 0) return undefined;
    const exported = this.workspace.pythonGrpcStubExport(this.doc.path, qualified.slice(0, dot), qualified.slice(dot + 1));
    if (!exported) return undefined;
    const library = PY_GRPC_LIBRARIES.find((l) => l.library === exported.library) ?? PY_GRPC_LIBRARIES[0];
    return { library, bounded: exported.bounded, made: exported.made };
  }

  /**
   * Whether a call's result is read as a response stream: iterated by `for` / `async for`
   * (directly, or through the name it is assigned to in the same function), or read with
   * `.read()` (grpc.aio's stream call object).
   */
  private isStream(call: PyNode): boolean {
    const parent = call.parent;
    if (parent?.type === 'for_statement' && parent.childForFieldName('right')?.id === call.id) return true;
    if (parent?.type === 'attribute' && parent.childForFieldName('attribute')?.text === 'read') return true;
    if (parent?.type === 'assignment' && parent.childForFieldName('right')?.id === call.id) {
      const left = parent.childForFieldName('left');
      if (left?.type !== 'identifier') return false;
      let scope: PyNode | null = parent;
      while (scope && scope.type !== 'function_definition' && scope.type !== 'module') scope = scope.parent;
      return !!scope?.descendantsOfType('for_statement').some((f) => {
        const right = f?.childForFieldName('right');
        return right?.type === 'identifier' && right.text === left.text;
      });
    }
    return false;
  }

  run(deadlineSeconds: string): PyGrpcProblem[] {
    const out: PyGrpcProblem[] = [];
    for (const call of this.facts.calls) {
      const callee = calleeOf(this.facts, call);
      if (callee?.type !== 'attribute') continue;
      let method = callee;
      const attr = calleeMethod(this.facts, call) ?? '';
      const object = callee.childForFieldName('object');
      if (object?.type === 'attribute' && PY_GRPC_LIBRARIES.some((l) => l.callVariants.includes(attr))) method = object;
      const stub = this.stub(method.childForFieldName('object'));
      if (!stub || stub.bounded) continue;
      // A response stream, which may be meant to stay open: not judged.
      if (this.isStream(call)) continue;
      const args = callArguments(call);
      if (args.splat) continue;
      const lib = stub.library;
      const timeout = args.keywords.get(lib.timeoutKeyword)?.value ?? args.positional[lib.timeoutPosition];
      if (timeout) {
        if (lib.disabling.includes(unparen(timeout).text)) {
          out.push({ start: timeout.startIndex, end: timeout.endIndex, message: `gRPC call with \`timeout=None\`: no deadline, so \`${method.text}\` waits until the server answers, however long that takes. Pass a timeout in seconds.` });
        }
        continue;
      }
      out.push({
        start: callee.startIndex,
        end: callee.endIndex,
        message: `gRPC call \`${method.text}(...)\` without \`timeout=\`: a call has no deadline by default, so when the server stalls (a deadlock, a full queue, a proxy that lost the backend) it waits forever, holding whatever waits on it. Pass \`timeout=\` in seconds.`,
        fix: () => {
          const edit = addKeywordEdit(this.doc.text, call, lib.timeoutKeyword, deadlineSeconds);
          return edit ? { title: `Add timeout=${deadlineSeconds}`, safe: true, edits: [edit] } : undefined;
        },
      });
    }
    return out;
  }

  /** The stubs this module makes at module level and binds to a name: what other modules can import. */
  exportedStubs(): Map<string, PythonGrpcStub> {
    const out = new Map<string, PythonGrpcStub>();
    for (const [key, values] of this.facts.assignments) {
      if (!key.startsWith('module:') || values.length !== 1) continue;
      const state = this.stub(values[0]);
      if (state) out.set(key.slice('module:'.length), { library: state.library.library, bounded: state.bounded, made: state.made });
    }
    return out;
  }
}


const cache = new WeakMap<ParsedDocument, { key: string; workspace: WorkspaceFacts | undefined; problems: PyGrpcProblem[] }>();

export function pythonGrpcProblems(doc: ParsedDocument, deadlineMs: number, workspace?: WorkspaceFacts): PyGrpcProblem[] {
  if (!/grpc/.test(doc.text)) return [];
  const facts = moduleFacts(doc);
  const root = doc.pythonTree?.rootNode;
  if (!facts || !root) return [];
  const seconds = String(Math.round(deadlineMs) / 1000);
  const found = cache.get(doc);
  // Once per document, deadline and workspace facts (as grpc.ts does for JS): `fixes` asks per finding.
  if (found && found.key === seconds && found.workspace === workspace) return found.problems;
  const problems = new PyGrpcWalk(doc, facts, root, workspace).run(seconds);
  cache.set(doc, { key: seconds, workspace, problems });
  return problems;
}

/** The module-level stubs of a Python module, for the workspace index. */
export function pythonGrpcStubs(doc: ParsedDocument): Map<string, PythonGrpcStub> | undefined {
  if (doc.kind !== 'python' || !/_pb2_grpc/.test(doc.text)) return undefined;
  const facts = moduleFacts(doc);
  const root = doc.pythonTree?.rootNode;
  if (!facts || !root) return undefined;
  const stubs = new PyGrpcWalk(doc, facts, root, undefined).exportedStubs();
  return stubs.size > 0 ? stubs : undefined;
}
