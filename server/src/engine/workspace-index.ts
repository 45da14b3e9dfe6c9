// The workspace index: what rules need to know about files other than the one being analysed.
// Which files handle SIGTERM, which package (nearest package.json) each file belongs to and what
// that package.json says, who imports whom and which importers are command line tools, and which
// loggers each module exports. It is the one part of the engine that reads the disk on its own.
// The server builds it in the background from the workspace folders and keeps it current from open
// documents and file-change notifications; the CLI builds it from the paths it scans. Rules only
// see it through `facts()`, read-only.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { classify, isComposeName, isDockerfileName } from './classify';
import { tooCostlyReason } from './limits';
import { composeBuilds, composeImageRuns, dockerfileStages, stageOf, type ComposeBuild, type ComposeImageRun, type DockerStageHealth } from './model/compose-links';
import { buildCommandsOf, isBuildEvidencePath, type BuildCommand } from './model/image-builds';
import { chartDirOf, chartValuesOf, isChartValuesPath, resolveChartImage } from './model/helm-values';
import { ParsedDocument } from './document';
import { DEFAULT_MAX_FILE_BYTES } from './source';
import { readFactFile } from './safe-read';
import { LOCKFILE_NAMES, readFolderLocks, type ReadLockfile } from './lockfile';
import { NEVER_ENTER, collectFiles, inheritedIgnores, isIgnored, readIgnore, type IgnoreScope } from './files';
import type { DeployedHealthCheck, ImageCode, ImageUse, Importer, PackageDeployment, PackageFacts, ProjectLogger, SigtermHandler, StaticFolder, WorkspaceFacts } from './workspace-facts';
import { FULL_STACK_SERVER_PATHS } from './package-json';
import { servedFolders, type ServedFolder } from './model/static-folders';
import { AnchoredPattern, LiteralGuard, quoted } from './anchored';
import picomatch from 'picomatch';
import { parsePackageJson, type PackageInfo, type PackageKind, type ScriptRole } from './package-json';
import { mayHandleSigterm, shutdownFacts, type ShutdownFacts } from '../rules/shutdown/shutdown-facts';
import { TERMINAL_MODULES, exportedLoggers, type LoggerKind } from '../rules/logging/file-facts';
import { LISTENS, SERVER_SIDE_MODULES, UI_MODULES } from './model/js-signals';
import { K8S_OBJECT_PREFILTER, dockerfileImageName, imageRepositoryName, imageTag, k8sObjects, sameNamespace, selects, type ContainerSummary, type K8sObject } from './model/k8s-objects';
import { composeFileRole, isStockImage, isWebServerImage } from './model/manifest-roles';
import { readPyproject, scriptModuleFiles, type PyprojectScript } from './model/pyproject';
import { appServerRuns, isEntryPointFile, isModuleFile, isProcfileName, isPythonProjectFile, readSetupCfgScripts, type AppServerRun } from './model/python-project';
import type { GrpcClientFacts, InstalledVersions, PythonGrpcStub, PythonLaunch } from './workspace-facts';
import { pythonGrpcStubs } from '../rules/calls/python-grpc';
import { exportedGrpcClients } from '../rules/calls/grpc';
import { readRuffConfig, selectingLine, type RuffSelection } from './model/ruff-config';
import { entryScriptFacts, entrypointOf, isEntryScriptPath, stageEntrypoints, type EntryScript, type StageEntrypoint } from './model/entry-scripts';
import { dockerfileRuns, oneOffRunsOf, shellPythonRuns, type DockerfileRuns, type OneOffRun, type ShellPythonRuns } from './model/run-scripts';
import { SERVICE_FACTS_PREFILTER, jsServiceFacts, packageService, pathLiteralWords, type JsServiceFacts, type PackageService } from './model/service-facts';
import { composeImageBuilds, dockerImageFacts, imageWithoutTag, type DockerImageFacts, type ImageBuild } from './model/service-links';
import { roleByPath } from './model/roles';
import { PY_SERVICE_PREFILTER, pyServiceFacts, pythonPackageService, type PyServiceFacts } from './model/python-service-facts';
import { initPython } from './python';
import { goFileFacts, goModuleNamesImage, goSigterm, isGoBuilderImage, isGoPath, type GoFileFacts } from './model/go-facts';

export interface WorkspaceIndexOptions {
  /** Files larger than this are not read (they are not analysed either). */
  maxFileBytes?: number;
  /** How many files are read between two yields to the event loop during a build. */
  batchSize?: number;
}

/** The answers of every workspace fact per path, to compare before and after a change. */
export type FactSnapshot = Map<string, string>;

export interface BuildStats {
  /** Files that could hold facts (JS/TS sources) that were read. */
  files: number;
  /** Of those, files that passed a text prefilter (SIGTERM handling, a logger export) and were parsed. */
  parsed: number;
  durationMs: number;
}

/** Forward slashes, no trailing slash: the same spelling as `ParsedDocument.path`. */
export function normalizePath(p: string): string {
  const slashed = p.replace(/\\/g, '/');
  return slashed.length > 1 && slashed.endsWith('/') && !/^[A-Za-z]:\/$/.test(slashed) ? slashed.slice(0, -1) : slashed;
}

function dirnameOf(p: string): string {
  const i = p.lastIndexOf('/');
  if (i < 0) return '';
  if (i === 0) return '/';
  const dir = p.slice(0, i);
  return /^[A-Za-z]:$/.test(dir) ? `${dir}/` : dir;
}

function isUnder(p: string, dir: string): boolean {
  if (p === dir) return true;
  return p.startsWith(dir.endsWith('/') ? dir : `${dir}/`);
}

function baseNameOf(p: string): string {
  return p.slice(p.lastIndexOf('/') + 1);
}

/** Whether a path could be a source file the rule reads (JS/TS, not a declaration or minified bundle). */
function isSourcePath(p: string): boolean {
  return classify(p, '') === 'js';
}

/** A compose file, a Dockerfile or a YAML file (Kubernetes): the manifests whose links the project model follows. */
function isManifestPath(p: string): boolean {
  const name = baseNameOf(p);
  return isComposeName(name) || isDockerfileName(name) || isKubernetesCandidatePath(name) || isProcfileName(name);
}

/** Whether the index reads the file at all. */
function isIndexedPath(p: string): boolean {
  return isSourcePath(p) || isManifestPath(p) || isEntryScriptPath(p) || isPythonSource(p) || isGoPath(p) || isBuildEvidencePath(p) !== undefined;
}

/** A Python module: indexed for the gRPC stubs it makes (rules/calls/python-grpc.ts) and its service facts (model/python-service-facts.ts). */
function isPythonSource(p: string): boolean {
  return p.endsWith('.py');
}

function insideNeverEnter(p: string): boolean {
  return p.split('/').some((segment) => NEVER_ENTER.has(segment));
}

/**
 * See `WorkspaceIndex.exportState`: every field of what the index learnt (maps, sets, the roots,
 * revisions), by field name. Opaque outside the index; it travels to worker threads by structured clone.
 */
export type WorkspaceIndexState = Readonly<Record<string, unknown>>;

/**
 * Fields that are not what the index learnt from the files: its options, per-process caches (the
 * parsed ignore files hold functions, which do not clone), work in progress and open documents.
 * Every other field is state: a new fact's map is shared with the workers without being listed.
 */
const LOCAL_FIELDS = new Set(['maxFileBytes', 'batchSize', 'documentFactsCache', 'ignoreFiles', 'packageInfos', 'pending', 'overlays', 'generation', 'serviceCache', 'oneOffRuns', 'uncountedSources', 'deferringServiceFacts', 'rootLookup']);

export class WorkspaceIndex {
  /** Files that handle SIGTERM, with how. Every other indexed file simply is not here. */
  private readonly handlers = new Map<string, ShutdownFacts>();
  /** Files whose text looks like it starts a server (no parse): the ones a fact change can affect. */
  private readonly candidates = new Set<string>();
  /** Importer -> the module keys (see `moduleKeys`) of its relative imports. */
  private readonly importsOf = new Map<string, string[]>();
  /** Module key -> the files importing it: `importsOf` turned around. */
  private readonly importersByKey = new Map<string, Set<string>>();
  /** Module key (see `moduleKeys`) -> the loggers the module exports, by export name. */
  private readonly loggerExports = new Map<string, Map<string, LoggerKind>>();
  /** Compose file -> its services that build a Dockerfile. */
  private readonly composeLinks = new Map<string, ComposeBuild[]>();
  /** Compose file -> its services that run an image by name (no `build:`). */
  private readonly composeRuns = new Map<string, ComposeImageRun[]>();
  /** Script, Makefile, README or CI workflow -> the image builds its commands state (model/image-builds.ts). */
  private readonly buildCommands = new Map<string, BuildCommand[]>();
  /** Dockerfile -> its stages and their HEALTHCHECKs. */
  private readonly dockerStages = new Map<string, DockerStageHealth[]>();
  /** Dockerfile -> the ENTRYPOINT of each stage (signal-not-forwarded). */
  private readonly dockerEntrypoints = new Map<string, StageEntrypoint[]>();
  /** Shell script -> what it does with the app it starts (model/entry-scripts.ts). */
  private readonly entryScripts = new Map<string, EntryScript>();
  /** Folders holding a LICENSE file of their own (candidates for vendored code; see `vendoredIn`). */
  private readonly licenseDirs = new Set<string>();
  /** Files that serve folders to browsers as static files, with the folders. */
  private readonly staticFolders = new Map<string, ServedFolder[]>();
  /** Files that read `process.argv` or import a terminal library: command line tools. */
  /** What each JS/TS file's text says it is, as its importers see it (files with no trait are left out). */
  private readonly traits = new Map<string, ImporterTraits>();
  /** Per open document version, what its text says (computed once for `wouldChangeFacts` and `updateDocument`). */
  private readonly documentFactsCache = new WeakMap<ParsedDocument, DocumentFacts>();
  /** Open documents: their text wins over what is on disk. */
  private readonly overlays = new Set<string>();
  /** Folder -> whether it holds a package.json (from walks, events, or a look at the disk). */
  private readonly packageJson = new Map<string, boolean>();
  /**
   * Folder -> what its lockfiles say (engine/lockfile.ts; empty: none), and folder -> whether it is a
   * workspace root, read on first question; forgotten when a lockfile, a package.json or a
   * pnpm-workspace.yaml changes. State, not local caches: the CLI's workers get what the main index read.
   */
  private readonly lockfiles = new Map<string, ReadLockfile[]>();
  private readonly workspaceRoots = new Map<string, boolean>();
  /** Bumped when a lockfile or a pnpm-workspace.yaml changes: part of every JS/TS file's answers, so open documents are analysed again. */
  private lockfileRevision = 0;
  /** What each package.json says, read on first question; forgotten when any package.json changes. */
  private readonly packageInfos = new Map<string, PackageInfo | undefined>();
  /** Folder -> its .gitignore rules (null: none), for paths that arrive by notification. */
  private readonly ignoreFiles = new Map<string, IgnoreScope | null>();
  /** Folders (or files) the index covers; a path outside every root gets no answer. */
  private roots: string[] = [];
  /** `roots` as a set, made again when the array is replaced or grows (`rootOf`). */
  private rootLookup?: { of: string[]; size: number; set: Set<string> };
  /** Roots still being walked: their paths get no answer yet. */
  private readonly pending = new Set<string>();
  private built = false;
  private generation = 0;
  private readonly maxFileBytes: number;
  private readonly batchSize: number;

  constructor(options: WorkspaceIndexOptions = {}) {
    this.maxFileBytes = options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
    this.batchSize = Math.max(1, options.batchSize ?? 32);
  }

  /**
   * What the index learnt from the files, as plain data (Maps, Sets, arrays: what structured clone and
   * `postMessage` copy), for the CLI's worker threads: built once, read by every job. The per-folder
   * caches filled on demand from the disk (package.json contents, .gitignore rules) are left out; a
   * copy fills its own from the same disk.
   */
  exportState(): WorkspaceIndexState {
    const state: Record<string, unknown> = {};
    for (const [field, value] of Object.entries(this)) {
      if (LOCAL_FIELDS.has(field)) continue;
      if (value instanceof Map || value instanceof Set || Array.isArray(value) || typeof value === 'number' || typeof value === 'boolean') state[field] = value;
    }
    return state;
  }

  /** An index answering as the one `exportState` was taken from (its copy of the state is taken over, not copied again). */
  static fromState(state: WorkspaceIndexState, options: WorkspaceIndexOptions = {}): WorkspaceIndex {
    const index = new WorkspaceIndex(options);
    const fields = index as unknown as Record<string, unknown>;
    for (const [field, value] of Object.entries(state)) {
      const own = fields[field];
      if (own instanceof Map) for (const [k, v] of value as Map<unknown, unknown>) own.set(k, v);
      else if (own instanceof Set) for (const v of value as Set<unknown>) own.add(v);
      else if (Array.isArray(value)) fields[field] = [...value];
      else if (typeof value === typeof own) fields[field] = value;
    }
    return index;
  }

  /** What rules read. */
  facts(): WorkspaceFacts {
    return {
      handlesSigterm: (p) => this.handlesSigterm(p),
      packageKind: (p) => this.packageKind(p),
      scriptRole: (p) => this.scriptRole(p),
      commandLinePackage: (p) => this.commandLinePackage(p),
      importersOf: (p) => this.importersOf(p),
      loggerExport: (importer, specifier, name) => this.loggerExport(importer, specifier, name),
      packageOf: (p) => this.packageFacts(p),
      servedStatically: (p) => this.servedStatically(p),
      relativePath: (p) => this.relativePath(p),
      composeServicesBuilding: (p) => this.composeServicesBuilding(p),
      dockerfileStage: (p, target) => this.dockerfileStage(p, target),
      entryScript: (p) => this.entryScripts.get(normalizePath(p)),
      oneOffRunOf: (p) => this.oneOffRunOf(p),
      dockerfileEntrypoint: (p, target) => {
        const stages = this.dockerEntrypoints.get(normalizePath(p));
        return stages && entrypointOf(stages, target);
      },
      sigtermHandlers: (p) => this.sigtermHandlers(p),
      vendoredIn: (p) => this.vendoredIn(p),
      projectLogger: (p) => this.projectLogger(p),
      dependsOn: (p, name) => this.dependsOn(p, name),
      servicesSelecting: (labels, namespace) => this.k8sQuery((o) => o.kind === 'Service' && selects(o.selector, labels, false) && sameNamespace(o.namespace, namespace, false)),
      autoscalersFor: (kind, name, namespace) =>
        this.k8sQuery((o) => o.target !== undefined && (o.target.kind === null || o.target.kind === kind) && (o.target.name === null || o.target.name === name) && sameNamespace(o.namespace, namespace, true)),
      kubernetesRunning: (p) => this.kubernetesRunning(p),
      composeRunning: (p) => this.composeRunning(p),
      dockerfileBuilding: (image) => this.dockerfileBuilding(image),
      stagesBuiltAs: (image) => this.stagesBuiltAs(image),
      disruptionBudgetsFor: (labels, namespace) => this.k8sQuery((o) => o.kind === 'PodDisruptionBudget' && selects(o.selector, labels, true) && sameNamespace(o.namespace, namespace, true)),
      pythonScriptOf: (p) => this.pythonScriptOf(p),
      appServerOf: (p) => this.appServerOf(p),
      ruffSelects: (p, code) => this.ruffSelects(p, code),
      serviceOf: (dir) => this.serviceOf(dir),
      imageBuilds: (image) => this.imageBuilds(image),
      dockerImage: (p) => this.dockerImages.get(normalizePath(p)),
      pythonGrpcStubExport: (importer, module, name) => this.pythonGrpcStubExport(importer, module, name),
      grpcClientExport: (importer, specifier, name) => this.grpcClientExportsOf(importer, specifier)?.[name],
      exportsGrpcClients: (importer, specifier) => this.grpcClientExportsOf(importer, specifier) !== undefined,
      deploymentOf: (dir) => this.deploymentOf(dir),
      imageCode: (image) => this.imageCode(image),
      installedVersions: (p, name) => this.installedVersions(p, name),
    };
  }

  // ==== clients other modules make (rules/calls) ================================================
  // Python modules that make gRPC stubs at module level, by file. Only files whose text names a
  // `*_pb2_grpc` module are parsed. Any change bumps `pythonStubRevision`, which every Python file's
  // answers include (an importer's findings depend on it).

  private readonly pythonStubs = new Map<string, Record<string, PythonGrpcStub>>();
  private pythonStubRevision = 0;
  /** Module key (see `moduleKeys`, as for loggers) -> the gRPC clients a JS/TS module exports, by export name. */
  private readonly grpcClientExports = new Map<string, Record<string, GrpcClientFacts>>();

  /** The gRPC client exports of the module `specifier` reaches from `importer` (the file itself, or its folder's index). */
  private grpcClientExportsOf(importer: string, specifier: string): Record<string, GrpcClientFacts> | undefined {
    if (!specifier.startsWith('.')) return undefined;
    const key = moduleKeyOf(dirnameOf(normalizePath(importer)), specifier);
    return this.grpcClientExports.get(key) ?? this.grpcClientExports.get(`${key}/index`);
  }

  private setGrpcClientExports(file: string, clients: Map<string, GrpcClientFacts> | undefined): void {
    const key = file.replace(SOURCE_EXTENSION, '');
    if (clients && clients.size > 0) this.grpcClientExports.set(key, Object.fromEntries(clients));
    else this.grpcClientExports.delete(key);
  }

  /** The gRPC client exports of the modules `p` imports, for comparing answers before and after a change. */
  private importedGrpcClientExports(p: string): string {
    const parts: string[] = [];
    for (const key of this.importsOf.get(p) ?? []) {
      const exports = this.grpcClientExports.get(key) ?? this.grpcClientExports.get(`${key}/index`);
      if (exports) parts.push(`${key}=${JSON.stringify(exports)}`);
    }
    return parts.join(';');
  }

  /** See WorkspaceFacts.pythonGrpcStubExport. */
  pythonGrpcStubExport(importer: string, module: string, name: string): PythonGrpcStub | undefined {
    const from = dirnameOf(normalizePath(importer));
    const dots = /^\.*/.exec(module)![0].length;
    const rest = module.slice(dots).split('.').filter(Boolean).join('/');
    const bases: string[] = [];
    if (dots > 0) {
      let dir = from;
      for (let i = 1; i < dots; i++) dir = dirnameOf(dir);
      bases.push(dir);
    } else {
      // An absolute import resolves from a source root above the importer: the nearest that has it.
      const root = this.rootOf(`${from}/x`);
      for (let dir = from; ; dir = dirnameOf(dir)) {
        bases.push(dir);
        if (!root || dir === root || dirnameOf(dir) === dir || !isUnder(dir, root)) break;
      }
    }
    for (const base of bases) {
      for (const file of rest ? [`${base}/${rest}.py`, `${base}/${rest}/__init__.py`] : [`${base}/__init__.py`]) {
        const stubs = this.pythonStubs.get(file);
        if (stubs) return Object.prototype.hasOwnProperty.call(stubs, name) ? stubs[name] : undefined;
      }
    }
    return undefined;
  }

  private setPythonStubs(file: string, stubs: Map<string, PythonGrpcStub> | undefined): void {
    const before = JSON.stringify(this.pythonStubs.get(file) ?? null);
    if (stubs && stubs.size > 0) this.pythonStubs.set(file, Object.fromEntries(stubs));
    else this.pythonStubs.delete(file);
    if (JSON.stringify(this.pythonStubs.get(file) ?? null) !== before) this.pythonStubRevision++;
  }

  /** A Python module's text: parsed only when it names a generated gRPC module or passes the service-facts prefilter. */
  private recordPython(file: string, text: string, doc?: ParsedDocument): boolean {
    const grpc = /_pb2_grpc/.test(text);
    const service = PY_SERVICE_PREFILTER.test(text);
    if (!grpc) this.setPythonStubs(file, undefined);
    if (!grpc && !service) {
      this.recordPyService(file, text, doc);
      return false;
    }
    // one parse for both (the gRPC stubs, the routes and listen calls)
    const own = doc ?? new ParsedDocument({ path: file, relativePath: baseNameOf(file), text, kind: 'python' });
    try {
      if (grpc) this.setPythonStubs(file, pythonGrpcStubs(own));
    } catch {
      // a file the parser chokes on says nothing
    }
    try {
      this.recordPyService(file, text, own);
    } finally {
      if (!doc) own.dispose();
    }
    return true;
  }


  // ==== service facts (project model: routes, ports, drain; model/service-facts.ts) ============
  // One block, so that other work on the index merges easily. Every JS/TS file's route, listen and
  // SIGTERM-timer facts, the path-like words of its string literals (the text net of
  // probe-path-not-served), each Dockerfile's final ENV and command, and compose's image -> build
  // links. Any change bumps `serviceRevision`, which every open manifest's answers include.

  private readonly serviceFiles = new Map<string, JsServiceFacts>();
  /** Python modules' service facts (routes, listen calls, Django settings). */
  private readonly pyServiceFiles = new Map<string, PyServiceFacts>();
  private readonly pathWords = new Map<string, string[]>();
  private readonly dockerImages = new Map<string, DockerImageFacts>();
  private readonly imageLinks = new Map<string, ImageBuild[]>();
  /** go.mod and .go files: a module's path and its SIGTERM handling (model/go-facts.ts; `imageCode`). */
  private readonly goFiles = new Map<string, GoFileFacts>();
  /** The JS/TS and Python sources read (`imageCode`: the code of a build context is known), each with whether its text names a way to serve (`MAY_SERVE`). */
  private readonly codeFiles = new Map<string, boolean>();
  private serviceRevision = 0;
  private readonly serviceCache = new Map<string, { revision: number; service: PackageService | undefined }>();

  /** A source file's service facts (`doc`: its open version, parsed already). */
  private recordService(file: string, text: string, doc?: ParsedDocument): void {
    const counts = this.countsInService(file);
    this.setUncounted(file, !counts);
    this.setService(file, this.wordsOf(text, doc), serviceFactsOf(file, text, counts, doc));
  }

  /**
   * JS/TS sources whose service facts a bulk index (`indexFiles`, the CLI's) left to the first question
   * (`serviceOf`): only a package with a Dockerfile or a manifest pointing at it is ever asked, so most
   * runs never parse them for it (a library's sources name their framework everywhere). Each thread
   * of a CLI run reads them from the same disk; an edit (`updateText`, --fix) reads its file at once.
   */
  private readonly unreadServiceFacts = new Set<string>();
  /** Set while `indexFiles` / `indexPackagesOf` run: their files' service facts are left unread. */
  private deferringServiceFacts = false;

  /** Reads the service facts left unread under `dir` (see `unreadServiceFacts`). */
  private readServiceFactsUnder(dir: string): void {
    let added = false;
    for (const file of this.unreadServiceFacts) {
      if (!isUnder(file, dir)) continue;
      this.unreadServiceFacts.delete(file);
      const text = this.readSync(file);
      const facts = text === undefined ? undefined : serviceFactsOf(file, text, true);
      if (facts) {
        this.serviceFiles.set(file, facts);
        added = true;
      }
    }
    if (added) this.serviceRevision++;
  }

  /**
   * JS/TS sources whose service facts were not read because they cannot count in a service (see
   * `countsInService`): read again when a package.json above them appears or goes.
   */
  private readonly uncountedSources = new Set<string>();

  private setUncounted(file: string, uncounted: boolean): void {
    if (uncounted) this.uncountedSources.add(file);
    else this.uncountedSources.delete(file);
  }

  /**
   * Whether a JS/TS source's service facts can count in `serviceOf`: a package.json is above it, and the
   * file is not a test, script, example or config of that (nearest) package. The others are not parsed for them.
   */
  private countsInService(file: string): boolean {
    // `packageOf` falls back to an indexed root when no package.json is above: no JS service there.
    const dir = this.packageOf(file);
    return dir !== '' && this.hasPackageJson(dir) && runsInService(file, dir);
  }

  /** A package.json appeared or went: which files count in which service changed, and files not read for their facts may count now. */
  private packageLayoutChanged(dir: string): void {
    this.serviceRevision++;
    for (const file of [...this.uncountedSources]) {
      if (!isUnder(file, dir) || !this.countsInService(file)) continue;
      if (this.overlays.has(file)) continue; // an open document's facts are read again with its next analysis
      const text = this.readSync(file);
      if (text === undefined) this.forgetFile(file);
      else this.record(file, text);
    }
  }

  /** Per open document version, the path words of its text (asked by `wouldChangeFacts`, then by the update). */
  private readonly documentWordCache = new WeakMap<ParsedDocument, string[]>();

  private wordsOf(text: string, doc?: ParsedDocument): string[] {
    if (!doc || doc.text !== text) return pathLiteralWords(text);
    let words = this.documentWordCache.get(doc);
    if (!words) this.documentWordCache.set(doc, (words = pathLiteralWords(text)));
    return words;
  }

  private setService(file: string, words: string[], facts: JsServiceFacts | undefined): void {
    const beforeWords = this.pathWords.get(file);
    const before = this.serviceFiles.get(file);
    if (words.length > 0) this.pathWords.set(file, words);
    else this.pathWords.delete(file);
    if (facts) this.serviceFiles.set(file, facts);
    else this.serviceFiles.delete(file);
    if (JSON.stringify(before) !== JSON.stringify(facts) || (beforeWords ?? []).join(' ') !== words.join(' ')) this.serviceRevision++;
  }

  /** A Python module's service facts and path words (`doc`: its open version). */
  private recordPyService(file: string, text: string, doc?: ParsedDocument): void {
    const words = this.wordsOf(text, doc);
    const facts = this.pyServiceFactsOf(file, text, doc);
    const before = [this.pyServiceFiles.get(file), this.pathWords.get(file) ?? []];
    if (words.length > 0) this.pathWords.set(file, words);
    else this.pathWords.delete(file);
    if (facts) this.pyServiceFiles.set(file, facts);
    else this.pyServiceFiles.delete(file);
    if (JSON.stringify(before) !== JSON.stringify([facts, words])) this.serviceRevision++;
  }

  private pyServiceFactsOf(file: string, text: string, doc?: ParsedDocument): PyServiceFacts | undefined {
    if (!PY_SERVICE_PREFILTER.test(text)) return undefined;
    const own = doc?.kind === 'python' ? doc : new ParsedDocument({ path: file, relativePath: baseNameOf(file), text, kind: 'python' });
    try {
      const facts = pyServiceFacts(own);
      if (!facts) return undefined;
      const f = facts.facts;
      const empty = f.routers.length === 0 && f.mounts.length === 0 && f.listens.length === 0 && !f.unknownRoutes && !facts.django && !facts.settingsDefault && facts.imports.length === 0;
      return empty ? undefined : facts;
    } catch {
      return undefined; // a file the parser chokes on says nothing
    } finally {
      if (own !== doc) own.dispose();
    }
  }

  /** Whether an open document's new text would change its service facts. */
  private serviceFactsWouldChange(p: string, doc: ParsedDocument): boolean {
    if (doc.kind === 'python') {
      if (this.wordsOf(doc.text, doc).join(' ') !== (this.pathWords.get(p) ?? []).join(' ')) return true;
      return JSON.stringify(this.pyServiceFactsOf(p, doc.text, doc)) !== JSON.stringify(this.pyServiceFiles.get(p));
    }
    if (doc.kind !== 'js') return false;
    if (this.wordsOf(doc.text, doc).join(' ') !== (this.pathWords.get(p) ?? []).join(' ')) return true;
    return JSON.stringify(serviceFactsOf(p, doc.text, this.countsInService(p), doc)) !== JSON.stringify(this.serviceFiles.get(p));
  }

  private recordServiceManifest(file: string, text: string): void {
    const name = baseNameOf(file);
    if (isDockerfileName(name)) {
      const facts = dockerImageFacts(text);
      if (JSON.stringify(facts) !== JSON.stringify(this.dockerImages.get(file))) this.serviceRevision++;
      this.dockerImages.set(file, facts);
    } else if (isComposeName(name)) {
      const links = composeImageBuilds(file, text);
      if (JSON.stringify(links) !== JSON.stringify(this.imageLinks.get(file) ?? [])) this.serviceRevision++;
      if (links.length > 0) this.imageLinks.set(file, links);
      else this.imageLinks.delete(file);
    }
  }

  private serviceManifestWouldChange(p: string, text: string): boolean {
    const name = baseNameOf(p);
    if (isDockerfileName(name)) return JSON.stringify(dockerImageFacts(text)) !== JSON.stringify(this.dockerImages.get(p));
    if (isComposeName(name)) return JSON.stringify(composeImageBuilds(p, text)) !== JSON.stringify(this.imageLinks.get(p) ?? []);
    return false;
  }

  private forgetService(file: string): void {
    this.unreadServiceFacts.delete(file);
    const had = [this.serviceFiles, this.pyServiceFiles, this.pathWords, this.dockerImages, this.imageLinks, this.goFiles, this.codeFiles].map((m) => m.delete(file));
    if (had.some(Boolean)) this.serviceRevision++;
  }

  /** What open manifests read from the service facts: any change re-publishes them. */
  private serviceAnswers(p: string): string {
    if (isManifestPath(p)) return `svc#${this.serviceRevision}`;
    // Source files read their package's routes and deployment (missing-health-endpoint).
    if (!isSourcePath(p)) return '';
    const dir = this.packageFacts(p)?.dir;
    return dir ? `svc#${this.serviceRevision} ${JSON.stringify(this.deploymentOf(dir))}` : '';
  }

  /** See WorkspaceFacts.serviceOf. */
  serviceOf(d: string): PackageService | undefined {
    const dir = normalizePath(d);
    if (!this.built || this.pending.size > 0) return undefined;
    if (!this.hasPackageJson(dir)) return this.pythonServiceOf(dir);
    if (this.unreadServiceFacts.size > 0) this.readServiceFactsUnder(dir);
    const cached = this.serviceCache.get(dir);
    if (cached && cached.revision === this.serviceRevision) return cached.service;
    const files = new Map<string, JsServiceFacts>();
    const words = new Set<string>();
    const counts = (file: string) => isUnder(file, dir) && this.packageOf(file) === dir && runsInService(file, dir);
    for (const [file, facts] of this.serviceFiles) if (counts(file)) files.set(file, facts);
    for (const [file, list] of this.pathWords) if (counts(file)) for (const w of list) words.add(w);
    const service = packageService(dir, files, words);
    const serves = service.listens.length > 0 || service.routes.length > 0;
    const answer = serves ? service : undefined;
    this.serviceCache.set(dir, { revision: this.serviceRevision, service: answer });
    return answer;
  }

  /**
   * A Python service in a build context with no package.json: the Python modules under `dir` (its image's
   * files), except those of another Python project nested inside it and tests, scripts and examples.
   */
  private pythonServiceOf(dir: string): PackageService | undefined {
    const key = `py:${dir}`;
    const cached = this.serviceCache.get(key);
    if (cached && cached.revision === this.serviceRevision) return cached.service;
    const files = new Map<string, PyServiceFacts>();
    const words = new Set<string>();
    const counts = (file: string) => {
      if (!file.endsWith('.py') || !isUnder(file, dir)) return false;
      const project = this.pythonProjectOf(file);
      if (project && project.length > dir.length && isUnder(project, dir)) return false;
      return runsInService(file, dir);
    };
    for (const [file, facts] of this.pyServiceFiles) if (counts(file)) files.set(file, facts);
    for (const [file, list] of this.pathWords) if (counts(file)) for (const w of list) words.add(w);
    const others = [...this.pathWords.keys()].filter(counts);
    const service = files.size > 0 ? pythonPackageService(dir, files, words, others) : undefined;
    const answer = service && (service.listens.length > 0 || service.routes.length > 0 || service.python.settings.length > 0) ? service : undefined;
    this.serviceCache.set(key, { revision: this.serviceRevision, service: answer });
    return answer;
  }

  /** See WorkspaceFacts.imageBuilds. */
  imageBuilds(image: string): ImageBuild[] | undefined {
    if (!this.built || this.pending.size > 0) return undefined;
    const wanted = imageWithoutTag(image);
    const out: ImageBuild[] = [];
    for (const links of this.imageLinks.values()) for (const link of links) if (imageWithoutTag(link.image) === wanted) out.push(link);
    if (out.length > 0) return out;
    const name = imageRepositoryName(image);
    if (!name) return [];
    // The folder-name convention, read the one way the model reads it (dockerfileImageName: never the checkout's own name).
    const byFolder = [...this.dockerImages.keys()].filter((file) => baseNameOf(file) === 'Dockerfile' && dockerfileImageName(this.relativePath(file)) === name);
    if (byFolder.length !== 1) return [];
    const dockerfile = byFolder[0];
    return [{ image, dockerfile, context: dirnameOf(dockerfile), target: undefined, path: dockerfile, line: 1 }];
  }

  /** See WorkspaceFacts.deploymentOf. */
  deploymentOf(d: string): PackageDeployment | undefined {
    const dir = normalizePath(d);
    if (!this.built || this.pending.size > 0) return undefined;
    // Dockerfile, Dockerfile.prod, api.Dockerfile: not the dev, test or CI images beside them.
    const dockerfiles = [...this.dockerStages.keys()].filter((f) => dirnameOf(f) === dir && !/(?:^|[.\-_])(?:dev|develop|development|test|tests|ci|local|e2e)(?:$|[.\-_])/i.test(baseNameOf(f))).sort();
    const checks: DeployedHealthCheck[] = [];
    if (dockerfiles.length === 0) return { dockerfiles, checks };
    const built = new Set(dockerfiles);
    for (const dockerfile of dockerfiles) {
      const stage = this.dockerfileStage(dockerfile);
      if (stage?.healthcheckLine !== undefined) checks.push({ key: 'healthcheck', action: 'command', path: null, command: stage.healthcheckCommand, file: dockerfile, line: stage.healthcheckLine });
      for (const b of this.composeServicesBuilding(dockerfile)) {
        if (b.healthcheck && !b.devOnly) checks.push({ key: 'healthcheck', action: 'command', path: null, command: b.healthcheckTest, file: b.path, line: b.line });
      }
    }
    for (const objects of this.k8s.values()) {
      for (const object of objects) {
        if (object.kind === 'Job' || object.kind === 'CronJob') continue;
        for (const container of object.containers ?? []) {
          if (typeof container.image !== 'string' || isStockImage(container.image)) continue;
          if (!(this.imageBuilds(container.image) ?? []).some((b) => built.has(b.dockerfile))) continue;
          for (const probe of container.probes ?? []) checks.push({ key: probe.key, action: probe.action, path: probe.path, file: object.path, line: probe.line });
        }
      }
    }
    return { dockerfiles, checks };
  }

  /** See WorkspaceFacts.imageCode. */
  imageCode(image: string): ImageCode | undefined {
    if (!this.built || this.pending.size > 0 || isStockImage(image)) return undefined;
    const builds = this.imageBuilds(image) ?? [];
    const dockerfiles = [...new Set(builds.map((b) => b.dockerfile))];
    let dockerfile: string;
    let context: string;
    if (dockerfiles.length === 1) {
      dockerfile = dockerfiles[0];
      context = builds[0].context;
    } else if (dockerfiles.length === 0) {
      // A Go module named like the image, with the Dockerfile that builds Go code beside its go.mod.
      const named = [...this.goFiles].filter(([file, f]) => f.module !== undefined && goModuleNamesImage(f.module, image) && this.dockerStages.has(`${dirnameOf(file)}/Dockerfile`));
      if (named.length !== 1) return undefined;
      context = dirnameOf(named[0][0]);
      dockerfile = `${context}/Dockerfile`;
    } else return undefined;
    const stages = this.dockerStages.get(dockerfile) ?? [];
    const modules = [...this.goFiles.keys()].filter((f) => this.goFiles.get(f)!.module !== undefined && isUnder(f, context));
    if (stages.some((s) => isGoBuilderImage(s.base))) {
      // The context's own go.mod, else the one Go module it holds (`auth-ms/src/go.mod` for `auth-ms/Dockerfile`).
      const module = modules.find((m) => dirnameOf(m) === context) ?? (modules.length === 1 ? modules[0] : undefined);
      if (!module) return undefined;
      const root = dirnameOf(module);
      const inModule = (f: string) => isUnder(f, root) && !modules.some((m) => m !== module && isUnder(f, dirnameOf(m))) && !f.slice(root.length).split('/').some((s) => s === 'vendor' || s === 'testdata');
      const files = [...this.goFiles].filter(([f]) => f.endsWith('.go') && inModule(f));
      return { dockerfile, context, language: 'go', serves: undefined, goSigterm: goSigterm(files) ?? null };
    }
    if (modules.length > 0) return undefined;
    const js = this.hasPackageJson(context);
    const code = [...this.codeFiles].filter(([f]) => isUnder(f, context) && (js ? isSourcePath(f) : isPythonSource(f)));
    if (code.length === 0) return undefined;
    const language = js ? 'js' : 'python';
    if (this.serviceOf(context)) return { dockerfile, context, language, serves: true };
    // Code of a package or Python project nested in the context (a monorepo's), or text that names a way to
    // serve the facts do not read (gRPC, WebSocket, a framework they do not know): whether it serves is unknown.
    const nested = code.some(([f]) => (js ? this.packageOf(f) !== context : (this.pythonProjectOf(f) ?? context).length > context.length));
    if (nested || code.some(([, mayServe]) => mayServe)) return { dockerfile, context, language, serves: undefined };
    // Serves nothing only when the image runs that code itself (not a server program or a script runner that may start one).
    const command = this.dockerImages.get(dockerfile)?.command;
    const final = stages[stages.length - 1];
    const runsCode = command !== undefined && (js ? /^(?:\S*\/)?node(?:js)?\s+(?!-)\S/ : /^(?:\S*\/)?python[\d.]*\s+(?:-u\s+)?(?:-m\s+)?[\w./-]+$/).test(command.trim());
    return { dockerfile, context, language, serves: runsCode && !isWebServerImage(final?.base) ? false : undefined };
  }

  // ==== end of service facts =====================================================================

  /** See WorkspaceFacts.vendoredIn: a LICENSE-holding folder between the file and its package (or root), that is no package itself. */
  vendoredIn(p: string): string | undefined {
    const file = normalizePath(p);
    const root = this.rootOf(file);
    if (!root || this.licenseDirs.size === 0) return undefined;
    const pkg = this.packageOf(file);
    for (let dir = dirnameOf(file); dir && dir !== pkg && dir !== root && isUnder(dir, root); dir = dirnameOf(dir)) {
      if (this.hasPackageJson(dir)) return undefined;
      if (this.licenseDirs.has(dir)) return this.relativePath(dir);
    }
    return undefined;
  }

  // ---- Kubernetes objects (project model: manifest links) ----------------------------------

  /** Manifest -> the Kubernetes objects in it that link to others (model/k8s-objects.ts). */
  private readonly k8s = new Map<string, K8sObject[]>();
  /** Bumped whenever any file's objects change: open manifests compare it to re-publish. */
  private k8sRevision = 0;

  /** Helm chart folder -> the scalar values of its `values.yaml` (model/helm-values.ts), for the images its templates name. */
  private readonly chartValues = new Map<string, Map<string, string>>();

  private setChartValues(file: string, text: string | undefined): void {
    if (!isChartValuesPath(file)) return;
    const dir = dirnameOf(file);
    const values = text === undefined ? undefined : chartValuesOf(text);
    const before = this.chartValues.get(dir);
    if (JSON.stringify(before ? [...before] : null) === JSON.stringify(values ? [...values] : null)) return;
    if (values) this.chartValues.set(dir, values);
    else this.chartValues.delete(dir);
    // Dockerfiles read which workloads run their image, and a chart's images come from its values.
    this.k8sRevision++;
  }

  /**
   * The image a container runs as far as the workspace says: the literal `image`, else, in a Helm chart's template,
   * the `image` template read with the chart's default values (`{{ .Values.image.repository }}:...`).
   */
  private containerImage(manifest: string, container: ContainerSummary): string | undefined {
    if (typeof container.image === 'string') return container.image;
    const chart = container.imageTemplate ? chartDirOf(manifest) : undefined;
    const values = chart ? this.chartValues.get(chart) : undefined;
    return values && container.imageTemplate ? resolveChartImage(container.imageTemplate, values) : undefined;
  }

  private setK8sObjects(file: string, objects: K8sObject[]): void {
    const before = this.k8s.get(file) ?? [];
    if (JSON.stringify(before) === JSON.stringify(objects)) return;
    if (objects.length > 0) this.k8s.set(file, objects);
    else this.k8s.delete(file);
    this.k8sRevision++;
  }

  private k8sQuery(test: (o: K8sObject) => boolean): K8sObject[] | undefined {
    if (!this.built || this.pending.size > 0) return undefined;
    const out: K8sObject[] = [];
    for (const objects of this.k8s.values()) for (const o of objects) if (test(o)) out.push(o);
    return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : a.line - b.line));
  }

  /** What a Kubernetes manifest's rules read from other manifests: any change to them re-publishes it. */
  private k8sAnswers(p: string): string {
    const name = baseNameOf(p);
    // Dockerfiles read which workloads run their image (kubernetesRunning).
    return (isKubernetesCandidatePath(name) && !isComposeName(name)) || isDockerfileName(name) ? `k8s#${this.k8sRevision}` : '';
  }

  composeServicesBuilding(p: string): ComposeBuild[] {
    const file = normalizePath(p);
    const out: ComposeBuild[] = [];
    for (const builds of this.composeLinks.values()) for (const b of builds) if (b.dockerfile === file) out.push(b);
    return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : a.line - b.line));
  }

  /** Takes in the image builds a file's commands state (a script, Makefile, README or CI workflow). */
  private recordBuildEvidence(file: string, text: string): void {
    const kind = isBuildEvidencePath(file);
    const builds = kind ? buildCommandsOf(file, text, kind, this.rootOf(file) ?? dirnameOf(file)) : [];
    // Dockerfiles read which workloads and compose services run the images their builds name.
    if (JSON.stringify(builds) !== JSON.stringify(this.buildCommands.get(file) ?? [])) this.k8sRevision++;
    if (builds.length > 0) this.buildCommands.set(file, builds);
    else this.buildCommands.delete(file);
  }

  /**
   * The names each Dockerfile of the workspace is built as (model/image-builds.ts): its folder's name (not at
   * the workspace root), the tags of the build commands that build it, and the package.json name of its folder
   * (`@openpanel/api` gives `api` and `openpanel-api`).
   */
  private imageNames(): Map<string, Array<{ dockerfile: string; tag: string | undefined; how: string }>> {
    const out = new Map<string, Array<{ dockerfile: string; tag: string | undefined; how: string }>>();
    const add = (name: string | undefined, dockerfile: string, tag: string | undefined, how: string): void => {
      if (!name) return;
      let list = out.get(name);
      if (!list) out.set(name, (list = []));
      if (!list.some((e) => e.dockerfile === dockerfile && e.tag === tag)) list.push({ dockerfile, tag, how });
    };
    for (const file of this.dockerStages.keys()) {
      const folder = dockerfileImageName(this.relativePath(file));
      add(folder, file, undefined, `its folder is named \`${folder}\``);
      const dir = dirnameOf(file);
      if (this.hasPackageJson(dir)) {
        const name = this.packageInfo(`${dir}/package.json`)?.name?.toLowerCase();
        const m = name ? /^(?:@([\w.-]+)\/)?([\w.-]+)$/.exec(name) : null;
        if (m) {
          add(m[2], file, undefined, `its folder's package.json is named \`${name}\``);
          if (m[1]) add(`${m[1]}-${m[2]}`, file, undefined, `its folder's package.json is named \`${name}\``);
        }
      }
    }
    for (const builds of this.buildCommands.values()) {
      for (const b of builds) {
        const dockerfile = this.builtDockerfile(b);
        if (!this.dockerStages.has(dockerfile)) continue;
        add(imageRepositoryName(b.image), dockerfile, imageTag(b.image), `\`${b.image}\` is built from it (${this.relativePath(b.path)}:${b.line})`);
      }
    }
    return out;
  }

  /**
   * How the image a container or compose service names links to the Dockerfile `file`, or undefined: the Dockerfiles
   * built as its repository name, narrowed to those built with its tag when some are.
   */
  private imageLink(image: string, file: string, names: ReturnType<WorkspaceIndex['imageNames']>): string | undefined {
    if (isStockImage(image)) return undefined;
    const candidates = names.get(imageRepositoryName(image) ?? '') ?? [];
    const tag = imageTag(image);
    const tagged = tag === undefined ? [] : candidates.filter((c) => c.tag === tag);
    const chosen = (tagged.length > 0 ? tagged : candidates).filter((c) => c.dockerfile === file);
    return chosen[0]?.how;
  }

  /**
   * See WorkspaceFacts.kubernetesRunning: the workloads whose container image the Dockerfile is built as
   * (imageNames), and those of the Kubernetes manifests inside the Dockerfile's own folder when they run one
   * image of the project's and no other Dockerfile lives there (`03/Dockerfile` and `03/kube/app.yaml`).
   */
  kubernetesRunning(p: string): ImageUse[] | undefined {
    if (!this.built || this.pending.size > 0) return undefined;
    const file = normalizePath(p);
    const names = this.imageNames();
    const out: ImageUse[] = [];
    const dir = dirnameOf(file);
    const root = this.rootOf(file);
    const inside = dir !== root && ![...this.dockerStages.keys()].some((other) => other !== file && isUnder(other, dir));
    const local: Array<ImageUse & { name: string }> = [];
    for (const [manifest, objects] of this.k8s) {
      for (const object of objects) {
        for (const written of object.containers ?? []) {
          const image = this.containerImage(manifest, written);
          // A chart's image its values leave unset (`image: {{ .Values.image }}`, `image: ""`): given at install.
          const atInstall = image === undefined && written.imageTemplate !== undefined && chartDirOf(manifest) !== undefined;
          if ((image === undefined && !atInstall) || (image !== undefined && isStockImage(image))) continue;
          const container = image === written.image || image === undefined ? written : { ...written, image };
          const how = image === undefined ? undefined : this.imageLink(image, file, names);
          const from = image === written.image ? '' : image === undefined ? ` (its chart's \`${written.imageTemplate}\`, given at install)` : ` (\`${written.imageTemplate}\` with its chart's values)`;
          if (how) out.push({ object, container, link: `${how}${from}` });
          else if (inside && isUnder(manifest, dir)) {
            const name = image === undefined ? `{{${written.imageTemplate}}}` : imageRepositoryName(image);
            if (name) local.push({ object, container, name, link: `a Kubernetes manifest in its folder (${this.relativePath(manifest)}) runs it${from}` });
          }
        }
      }
    }
    // Only when the manifests of its folder run one image of the project's: that image is what the Dockerfile builds.
    if (new Set(local.map((u) => u.name)).size === 1) out.push(...local.map(({ name: _name, ...use }) => use));
    return out.sort((a, b) => (a.object.path < b.object.path ? -1 : a.object.path > b.object.path ? 1 : a.object.line - b.object.line));
  }

  /** See WorkspaceFacts.composeRunning: the compose services that run (do not build) the image the Dockerfile is built as. */
  composeRunning(p: string): Array<ComposeImageRun & { link: string }> | undefined {
    if (!this.built || this.pending.size > 0) return undefined;
    const file = normalizePath(p);
    const names = this.imageNames();
    const out: Array<ComposeImageRun & { link: string }> = [];
    for (const runs of this.composeRuns.values()) {
      for (const run of runs) {
        const how = this.imageLink(run.image, file, names);
        if (how) out.push({ ...run, link: how });
      }
    }
    return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : a.line - b.line));
  }

  /**
   * See WorkspaceFacts.dockerfileBuilding: the one Dockerfile that builds a (non-stock) image, found
   * the way the service facts find it (`imageBuilds`: a compose service that names the image and
   * builds it, else the Dockerfile whose folder is named like the image), with its stage.
   */
  dockerfileBuilding(image: string): { path: string; stage: DockerStageHealth } | undefined {
    if (isStockImage(image)) return undefined;
    const builds = this.imageBuilds(image) ?? [];
    const files = [...new Set(builds.map((b) => b.dockerfile))];
    if (files.length !== 1) return undefined;
    const stages = this.dockerStages.get(files[0]);
    const stage = stages && stageOf(stages, builds[0].target);
    return stage ? { path: files[0], stage } : undefined;
  }

  /**
   * See WorkspaceFacts.stagesBuiltAs: the Dockerfile stages the workspace's build commands (scripts, Makefiles,
   * READMEs, CI workflows) tag as `image` (the same name, registry and namespace included), narrowed to those
   * built with its tag when some are. Undefined when none, or a build's Dockerfile or stage is not in the workspace.
   */
  stagesBuiltAs(image: string): DockerStageHealth[] | undefined {
    if (!this.built || this.pending.size > 0) return undefined;
    const wanted = nameBeforeVariableTag(image);
    const builds = [...this.buildCommands.values()].flat().filter((b) => nameBeforeVariableTag(b.image) === wanted);
    const tag = imageTag(image);
    const tagged = tag === undefined ? [] : builds.filter((b) => imageTag(b.image) === tag);
    const chosen = tagged.length > 0 ? tagged : builds;
    if (chosen.length === 0) return undefined;
    const out: DockerStageHealth[] = [];
    for (const b of chosen) {
      const stages = this.dockerStages.get(this.builtDockerfile(b));
      const stage = stages && stageOf(stages, b.target);
      if (!stage) return undefined;
      out.push(stage);
    }
    return out;
  }

  /**
   * The Dockerfile a build command builds: as the command's folder resolves it, else, for a script in a subfolder whose
   * `-f` path only exists from the workspace root (`scripts/build.sh` running `-f docker/app.Dockerfile .` from the root).
   */
  private builtDockerfile(b: BuildCommand): string {
    if (this.dockerStages.has(b.dockerfile) || !b.fromRoot) return b.dockerfile;
    return this.dockerStages.has(b.fromRoot) ? b.fromRoot : b.dockerfile;
  }

  dockerfileStage(p: string, target?: string): DockerStageHealth | undefined {
    const stages = this.dockerStages.get(normalizePath(p));
    return stages ? stageOf(stages, target) : undefined;
  }

  /** Takes in a manifest's text: the links it makes. */
  private recordManifest(file: string, text: string): void {
    const name = baseNameOf(file);
    this.recordBuildEvidence(file, text);
    this.recordServiceManifest(file, text);
    this.setAppServerLaunches(file, text);
    if (isProcfileName(name)) return;
    if (isDockerfileName(name)) {
      const stages = dockerfileStages(text);
      // Kubernetes manifests read the stages of the Dockerfiles that build their images (dockerfileBuilding).
      if (JSON.stringify(stages) !== JSON.stringify(this.dockerStages.get(file))) this.k8sRevision++;
      this.dockerStages.set(file, stages);
      this.dockerEntrypoints.set(file, stageEntrypoints(text));
      this.setDockerRuns(file, text);
    }
    else if (!isComposeName(name)) {
      this.setK8sObjects(file, kubernetesObjectsOf(file, text));
      this.setChartValues(file, text);
    }
    else {
      const { builds, runs } = this.composeLinksOf(file, text);
      if (builds.length > 0) this.composeLinks.set(file, builds);
      else this.composeLinks.delete(file);
      // Dockerfiles read which compose services run their image (composeRunning).
      if (JSON.stringify(runs) !== JSON.stringify(this.composeRuns.get(file) ?? [])) this.k8sRevision++;
      if (runs.length > 0) this.composeRuns.set(file, runs);
      else this.composeRuns.delete(file);
    }
  }

  /**
   * A compose file's services that build a Dockerfile, and those that run an image by name. The model's answer for the
   * whole file (its path, what it extends, a source mount, its opening comment) decides too: a dev or test compose
   * file's services are all development ones.
   */
  private composeLinksOf(file: string, text: string): { builds: ComposeBuild[]; runs: ComposeImageRun[] } {
    const builds = composeBuilds(file, text, this.relativePath(file));
    const runs = composeImageRuns(file, text, this.relativePath(file));
    if (![...builds, ...runs].some((s) => !s.devOnly) || !this.composeFileIsLocal(file, text)) return { builds, runs };
    return { builds: builds.map((b) => ({ ...b, devOnly: true })), runs: runs.map((r) => ({ ...r, devOnly: true })) };
  }

  /** Whether the project model calls a compose file a development or test environment (model/manifest-roles.ts composeFileRole). */
  private composeFileIsLocal(file: string, text: string): boolean {
    try {
      const role = composeFileRole(new ParsedDocument({ path: file, relativePath: this.relativePath(file), text, kind: 'compose' }))?.role;
      return role === 'dev' || role === 'test';
    } catch {
      return false;
    }
  }

  // ---- Python projects (project model: pyproject.toml / setup.cfg / requirements, app servers) -----

  /** Folder -> whether it holds a Python project file (pyproject.toml, setup.cfg, setup.py, requirements*.txt). */
  private readonly pythonProjectDirs = new Map<string, boolean>();
  /** Folder -> the console scripts its pyproject.toml and setup.cfg install, read on first question. */
  private readonly pythonScripts = new Map<string, Array<PyprojectScript & { path: string }>>();
  /** Dockerfile, compose file or Procfile -> the app servers it launches and their target modules. */
  private readonly appServerLaunches = new Map<string, AppServerRun[]>();

  /** The nearest folder above a Python file holding a Python project file, inside its root. */
  pythonProjectOf(p: string): string | undefined {
    const file = normalizePath(p);
    const root = this.rootOf(file);
    for (let dir = dirnameOf(file); dir && (!root || isUnder(dir, root)); ) {
      let known = this.pythonProjectDirs.get(dir);
      if (known === undefined) {
        known = safeList(dir).some(isPythonProjectFile);
        this.pythonProjectDirs.set(dir, known);
      }
      if (known) return dir;
      const parent = dirnameOf(dir);
      if (parent === dir) break;
      dir = parent;
    }
    return undefined;
  }

  /** See WorkspaceFacts.pythonScriptOf. */
  pythonScriptOf(p: string): PythonLaunch | undefined {
    const file = normalizePath(p);
    if (!file.endsWith('.py')) return undefined;
    const root = this.rootOf(file);
    for (let dir = dirnameOf(file); dir && (!root || isUnder(dir, root)); ) {
      for (const script of this.scriptsOf(dir)) {
        if (scriptModuleFiles(script).some((candidate) => `${dir}/${candidate}` === file)) return { name: script.name, path: script.path, line: script.line };
      }
      const parent = dirnameOf(dir);
      if (parent === dir) break;
      dir = parent;
    }
    return undefined;
  }

  private scriptsOf(dir: string): Array<PyprojectScript & { path: string }> {
    let scripts = this.pythonScripts.get(dir);
    if (!scripts) {
      scripts = [];
      for (const [name, read] of [['pyproject.toml', (t: string) => readPyproject(t).scripts], ['setup.cfg', readSetupCfgScripts]] as const) {
        const text = readFactFile(path.join(dir, name));
        if (text !== undefined) for (const s of read(text)) scripts.push({ ...s, path: `${dir}/${name}` });
      }
      this.pythonScripts.set(dir, scripts);
    }
    return scripts;
  }

  /** Dockerfile -> the Python programs its build and boot run (model/run-scripts.ts), with its text for its COPY lines. */
  private readonly dockerRuns = new Map<string, { text: string; runs: DockerfileRuns }>();
  /** Shell script -> the Python programs it runs once and keeps running. */
  private readonly shellRuns = new Map<string, ShellPythonRuns>();
  /** Repository file -> the build or boot step that runs it once: computed on first question after a change. */
  private oneOffRuns: Map<string, OneOffRun> | undefined;

  /** See WorkspaceFacts.oneOffRunOf. */
  oneOffRunOf(p: string): OneOffRun | undefined {
    if (!this.oneOffRuns) {
      this.oneOffRuns = new Map();
      for (const [dockerfile, { text, runs }] of [...this.dockerRuns].sort(([a], [b]) => (a < b ? -1 : 1))) {
        for (const [file, run] of oneOffRunsOf(dockerfile, text, runs, (f) => this.shellRuns.get(f))) if (!this.oneOffRuns.has(file)) this.oneOffRuns.set(file, run);
      }
    }
    return this.oneOffRuns.get(normalizePath(p));
  }

  private setDockerRuns(file: string, text: string | undefined): void {
    const runs = text === undefined ? undefined : dockerfileRuns(text);
    if (runs && (runs.build.length > 0 || runs.entryScripts.length > 0)) this.dockerRuns.set(file, { text: text!, runs });
    else if (!this.dockerRuns.delete(file)) return;
    this.oneOffRuns = undefined;
  }

  private setShellRuns(file: string, text: string | undefined): void {
    const runs = text === undefined ? undefined : shellPythonRuns(text);
    if (runs && (runs.oneOff.length > 0 || runs.kept.length > 0)) this.shellRuns.set(file, runs);
    else if (!this.shellRuns.delete(file)) return;
    this.oneOffRuns = undefined;
  }

  /** See WorkspaceFacts.appServerOf: the launch whose target is `p`, from a file in a folder above it. */
  appServerOf(p: string): PythonLaunch | undefined {
    const file = normalizePath(p);
    if (!file.endsWith('.py')) return undefined;
    let best: PythonLaunch | undefined;
    for (const [launcher, runs] of this.appServerLaunches) {
      const dir = dirnameOf(launcher);
      if (!isUnder(file, dir)) continue;
      const run = runs.find((r) => isModuleFile(file.slice(dir.length + 1), r.module));
      if (run && (!best || launcher < best.path)) best = { name: run.server, path: launcher, line: run.line };
    }
    return best;
  }

  private setAppServerLaunches(file: string, text: string | undefined): void {
    const runs = text === undefined || !/\b(?:uvicorn|gunicorn|hypercorn)\b/.test(text) ? [] : appServerRuns(text);
    if (runs.length > 0) this.appServerLaunches.set(file, runs);
    else this.appServerLaunches.delete(file);
  }

  /** Folder -> its Ruff configuration (null: none), read on first question. */
  private readonly ruffConfigs = new Map<string, { path: string; selection: RuffSelection } | null>();

  /** See WorkspaceFacts.ruffSelects. Ruff's discovery: the nearest folder with `.ruff.toml`, `ruff.toml` or a pyproject.toml that has `[tool.ruff]`. */
  ruffSelects(p: string, code: string): { path: string; line: number } | undefined {
    const file = normalizePath(p);
    const root = this.rootOf(file);
    for (let dir = dirnameOf(file); dir && (!root || isUnder(dir, root)); ) {
      let config = this.ruffConfigs.get(dir);
      if (config === undefined) {
        config = null;
        for (const name of ['.ruff.toml', 'ruff.toml', 'pyproject.toml']) {
          const text = readFactFile(path.join(dir, name));
          const selection = text === undefined ? undefined : readRuffConfig(text, name === 'pyproject.toml');
          if (selection) {
            config = { path: `${dir}/${name}`, selection };
            break;
          }
        }
        this.ruffConfigs.set(dir, config);
      }
      if (config) {
        const line = selectingLine(config.selection, code);
        return line === undefined ? undefined : { path: config.path, line };
      }
      const parent = dirnameOf(dir);
      if (parent === dir) break;
      dir = parent;
    }
    return undefined;
  }

  /** What the model answers about a Python file from the Python block, for `answers`. */
  private pythonAnswers(p: string, dir: string | undefined): string {
    return JSON.stringify([dir, this.pythonScriptOf(p), this.appServerOf(p), this.oneOffRunOf(p), ...['T201', 'S113', 'G004'].map((code) => this.ruffSelects(p, code))]);
  }

  /** A Python project file (or a Ruff configuration) changed: forget what its folder said. */
  private pythonProjectFileChanged(file: string): void {
    this.pythonProjectDirs.delete(dirnameOf(file));
    this.pythonScripts.delete(dirnameOf(file));
    this.ruffConfigs.delete(dirnameOf(file));
  }

  /** What the project model knows about the package of `p` (see WorkspaceFacts.packageOf). */
  packageFacts(p: string): PackageFacts | undefined {
    const file = normalizePath(p);
    const python = file.endsWith('.py') ? this.pythonProjectOf(file) : undefined;
    if (python && python.length > this.packageOf(file).length) return { dir: python, kind: undefined, frontEnd: undefined, serverPaths: () => false };
    const info = this.packageInfo(file);
    if (!info) return undefined;
    const dir = this.packageOf(file);
    // A package.json above the workspace folder is someone else's project (a checkout inside another).
    const root = this.rootOf(file);
    if (root && !isUnder(dir, root)) return undefined;
    const serverGlobs = info.fullStack ? FULL_STACK_SERVER_PATHS[info.fullStack] : [];
    const isServerPath = serverGlobs.length > 0 ? picomatch(serverGlobs as string[], { dot: true }) : () => false;
    return { dir, kind: info.kind, frontEnd: info.frontEnd, serverPaths: (relative) => isServerPath(relative) };
  }

  /** The static folder (of a server in the same package or above it) that `p` lies in, if any. */
  servedStatically(p: string): StaticFolder | undefined {
    const file = normalizePath(p);
    let best: StaticFolder | undefined;
    let bestLength = -1;
    for (const [server, folders] of this.staticFolders) {
      for (const { folder, line } of folders) {
        if (server === file || !isUnder(file, folder) || folder.length <= bestLength) continue;
        best = { folder: this.relativePath(folder), path: server, line };
        bestLength = folder.length;
      }
    }
    return best;
  }

  /** `p` relative to the innermost indexed root holding it; `p` itself outside every root. */
  relativePath(p: string): string {
    const file = normalizePath(p);
    const root = this.rootOf(file);
    if (!root || root === file) return root === file ? baseNameOf(file) : file;
    return file.slice(root.length + (root.endsWith('/') ? 0 : 1));
  }

  /** True once a build has finished (answers are defined from then on). */
  get ready(): boolean {
    return this.built;
  }

  /**
   * Files whose text may start a server (a text test, no parse): the files a change of facts can
   * give or take a finding, for a server that shows findings of files nobody opened.
   */
  serverCandidates(): string[] {
    return [...this.candidates];
  }

  /** Files known to handle SIGTERM (for logs and tests). */
  handlerFiles(): string[] {
    return [...this.handlers.keys()].sort();
  }

  /**
   * Whether a file other than `p`, in the same package as `p`, handles SIGTERM. Undefined before
   * the first build, while `p`'s folder is being walked, and for paths outside the indexed roots.
   */
  handlesSigterm(p: string): boolean | undefined {
    const file = normalizePath(p);
    if (!this.built || this.rootOf(file) === undefined) return undefined;
    for (const root of this.pending) if (isUnder(file, root)) return undefined;
    const scope = this.packageOf(file);
    for (const handler of this.handlers.keys()) {
      if (handler !== file && this.packageOf(handler) === scope) return true;
    }
    return false;
  }

  /** See WorkspaceFacts.dependsOn; a package.json above the workspace folder is someone else's project: unknown. */
  dependsOn(p: string, name: string): boolean | undefined {
    const file = normalizePath(p);
    const info = this.packageInfo(file);
    const root = this.rootOf(file);
    if (!info || (root && !isUnder(this.packageOf(file), root))) return undefined;
    return info.dependencies.has(name);
  }

  /** See WorkspaceFacts.installedVersions. */
  installedVersions(p: string, name: string): InstalledVersions | undefined {
    const file = normalizePath(p);
    const pkg = this.packageOf(file);
    if (!pkg || !this.hasPackageJson(pkg)) return undefined;
    // The package's own lockfile, else its workspace root's (npm, yarn and pnpm install a workspace
    // from the root's lockfile); a lockfile in any other folder above is not what installed it.
    let locks = this.locksIn(pkg);
    // The first folder above with a lockfile or workspaces decides: another project's lockfile is
    // not this package's (and is not read).
    for (let dir = pkg, depth = 0; locks.length === 0; depth++) {
      const parent = dirnameOf(dir);
      if (!parent || parent === dir || depth >= 32) return undefined;
      dir = parent;
      if (this.isWorkspaceRoot(dir)) locks = this.locksIn(dir);
      else if (LOCKFILE_NAMES.some((n) => fs.existsSync(path.join(dir, n)))) return undefined;
      else continue;
      break;
    }
    // Own keys only: a copy made by structured clone (the CLI's workers) has Object's prototype.
    const listed = (l: ReadLockfile) => (Object.prototype.hasOwnProperty.call(l.versions, name) ? l.versions[name] : []);
    const listing = locks.filter((l) => listed(l).length > 0);
    if (listing.length === 0) return undefined;
    const versions = [...new Set(listing.flatMap(listed))];
    return { versions, lockfile: listing.map((l) => this.relativePath(l.file)).join(', ') };
  }

  private forgetLockfiles(name: string): void {
    this.lockfiles.clear();
    this.workspaceRoots.clear();
    if (name !== 'package.json') this.lockfileRevision++;
  }

  private locksIn(dir: string): ReadLockfile[] {
    let known = this.lockfiles.get(dir);
    if (!known) {
      known = readFolderLocks(dir);
      this.lockfiles.set(dir, known);
    }
    return known;
  }

  private isWorkspaceRoot(dir: string): boolean {
    let known = this.workspaceRoots.get(dir);
    if (known === undefined) {
      known = isWorkspaceRoot(dir);
      this.workspaceRoots.set(dir, known);
    }
    return known;
  }

  /** See WorkspaceFacts.sigtermHandlers: the package's handlers, `p` itself included, in path order. */
  sigtermHandlers(p: string): SigtermHandler[] | undefined {
    const file = normalizePath(p);
    if (!this.built || this.rootOf(file) === undefined) return undefined;
    const scope = this.packageOf(file);
    const root = this.rootOf(file);
    if (!scope || (root && !isUnder(scope, root))) return undefined;
    return [...this.handlers]
      .filter(([handler]) => this.packageOf(handler) === scope)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([handler, facts]) => ({ path: handler, line: facts.line, how: facts.how }));
  }

  /** Whether the package of `p` is a published library or an application (see WorkspaceFacts). */
  packageKind(p: string): PackageKind | undefined {
    return this.packageInfo(normalizePath(p))?.kind;
  }

  /** How the npm scripts of the package of `p` run `p`, if they do (see WorkspaceFacts). */
  scriptRole(p: string): ScriptRole | undefined {
    const file = normalizePath(p);
    return this.packageInfo(file)?.scriptFiles.get(file);
  }

  /** See WorkspaceFacts.commandLinePackage. */
  commandLinePackage(p: string): { dir: string; packageJson: string; bin: string } | undefined {
    const file = normalizePath(p);
    if (!this.built || this.rootOf(file) === undefined) return undefined;
    for (const root of this.pending) if (isUnder(file, root)) return undefined;
    const info = this.packageInfo(file);
    if (!info?.bin) return undefined;
    const dir = this.packageOf(file);
    const root = this.rootOf(file);
    if (root && !isUnder(dir, root)) return undefined;
    const bins = new Set(info.bin.files);
    // A `bin` that starts a server itself is a server people install (`fxa-auth`: bin/key_server.js).
    if (info.bin.files.some((f) => this.traits.get(f)?.startsServer)) return undefined;
    // `npm start` running a file of its own (not the `bin` one) that exists: the package is also a service.
    for (const [f, role] of info.scriptFiles) if (role === 'service' && !bins.has(f) && fs.existsSync(f)) return undefined;
    // A package shipped as an image is deployed, whatever else it installs.
    for (const dockerfile of this.dockerStages.keys()) if (dirnameOf(dockerfile) === dir) return undefined;
    return { dir: this.relativePath(dir) || '.', packageJson: `${dir}/package.json`, bin: info.bin.name };
  }

  /**
   * The files of the workspace that import `p` (relative imports and requires), each with whether
   * it is a command line tool (see WorkspaceFacts). Undefined before the first build and outside
   * the indexed roots.
   */
  importersOf(p: string): Importer[] | undefined {
    const file = normalizePath(p);
    if (!this.built || this.rootOf(file) === undefined) return undefined;
    for (const root of this.pending) if (isUnder(file, root)) return undefined;
    const paths = new Set<string>();
    const dir = this.packageOf(file);
    const byName = this.hasPackageJson(dir) ? packageImportKeys(file, dir, this.packageInfo(file)?.name) : [];
    for (const key of [...moduleKeys(file), ...byName]) {
      for (const importer of this.importersByKey.get(key) ?? []) if (importer !== file) paths.add(importer);
    }
    return [...paths].sort().map((importer) => ({ path: importer, ...(this.traits.get(importer) ?? NO_TRAITS) }));
  }

  /**
   * The kind of logger that the module `specifier` (relative to `importer`) exports as `name`
   * (`default`, a named export, or `module.exports`), when the index holds that module and it
   * makes it plain (see WorkspaceFacts).
   */
  loggerExport(importer: string, specifier: string, name: string): LoggerKind | undefined {
    if (!specifier.startsWith('.')) return undefined;
    const exports = this.loggerExportsOf(moduleKeyOf(dirnameOf(normalizePath(importer)), specifier));
    if (!exports) return undefined;
    // `import logger from './logger'` of a CommonJS module is its `module.exports`.
    return exports.get(name) ?? (name === 'default' ? exports.get('module.exports') : undefined);
  }

  /** The most imported logger module of `p`'s package (see WorkspaceFacts). */
  projectLogger(p: string): ProjectLogger | undefined {
    const file = normalizePath(p);
    if (!this.built) return undefined;
    const scope = this.packageOf(file);
    const own = file.replace(SOURCE_EXTENSION, '');
    let best: { logger: ProjectLogger; importers: number } | undefined;
    let tied = false;
    for (const [key, exports] of this.loggerExports) {
      if (key === own || this.packageOf(`${key}.js`) !== scope) continue;
      const module = baseNameOf(key) === 'index' ? dirnameOf(key) : key;
      const importers = new Set([...(this.importersByKey.get(key) ?? []), ...(this.importersByKey.get(module) ?? [])]);
      importers.delete(file);
      if (importers.size === 0) continue;
      const name = ['logger', 'default', 'module.exports', 'log'].find((n) => exports.has(n)) ?? [...exports.keys()][0];
      const kind = exports.get(name)!;
      if (best && importers.size === best.importers) tied = true;
      if (!best || importers.size > best.importers) {
        best = { logger: { module: key, name, kind }, importers: importers.size };
        tied = false;
      }
    }
    // Two logger modules imported as often: which one this file should use is not known.
    return tied ? undefined : best?.logger;
  }

  private packageInfo(file: string): PackageInfo | undefined {
    const dir = this.packageOf(file);
    if (!dir || !this.hasPackageJson(dir)) return undefined;
    if (!this.packageInfos.has(dir)) this.packageInfos.set(dir, readPackageInfo(dir));
    return this.packageInfos.get(dir);
  }

  /** The package folder a file belongs to: the nearest folder above it with a package.json. */
  packageOf(p: string): string {
    const file = normalizePath(p);
    for (let dir = dirnameOf(file); dir; ) {
      if (this.hasPackageJson(dir)) return dir;
      const parent = dirnameOf(dir);
      if (parent === dir) break;
      dir = parent;
    }
    // No package.json anywhere above: the indexed root is the scope.
    return this.rootOf(file) ?? '';
  }

  private hasPackageJson(dir: string): boolean {
    let known = this.packageJson.get(dir);
    if (known === undefined) {
      known = fs.existsSync(path.join(dir, 'package.json'));
      this.packageJson.set(dir, known);
    }
    return known;
  }

  // ---- building -----------------------------------------------------------------------------

  /**
   * Walks the workspace folders in the background: reads JS/TS files in small batches, yielding to
   * the event loop between them, skipping node_modules and what .gitignore ignores. Only files that
   * pass the text prefilter are parsed. A later `build` supersedes one still running.
   */
  async build(folders: readonly string[]): Promise<BuildStats> {
    const generation = ++this.generation;
    const started = Date.now();
    const roots = folders.map((f) => normalizePath(path.resolve(f)));
    this.roots = [...new Set(roots)];
    this.pending.clear();
    // Python service facts need the parser (loaded once; the edges await it too).
    await initPython();
    // What an earlier build found is rebuilt from scratch; open documents keep their own facts.
    for (const file of [...this.handlers.keys(), ...this.candidates]) if (!this.overlays.has(file)) this.forgetFile(file);
    for (const root of this.roots) this.pending.add(root);
    const stats: BuildStats = { files: 0, parsed: 0, durationMs: 0 };
    for (const root of this.roots) {
      if (generation !== this.generation) return stats;
      await this.walkFolder(root, generation, stats);
      if (generation !== this.generation) return stats;
      this.pending.delete(root);
    }
    this.built = true;
    stats.durationMs = Date.now() - started;
    return stats;
  }

  /** Adds a workspace folder to an index (a folder opened later). */
  async addFolder(folder: string): Promise<void> {
    const root = normalizePath(path.resolve(folder));
    if (this.roots.includes(root)) return;
    this.roots.push(root);
    this.pending.add(root);
    const generation = this.generation;
    await this.walkFolder(root, generation, { files: 0, parsed: 0, durationMs: 0 });
    this.pending.delete(root);
  }

  /**
   * A file opened outside every indexed folder (an editor with no folder open): indexes its package
   * (nearest package.json) when that package lies inside a git repository, so the file gets answers.
   * Resolves to true when something was indexed. Without a repository around it, the package's
   * extent is a guess (a stray package.json in a home folder), and nothing is walked.
   */
  async addPackageOf(p: string): Promise<boolean> {
    const file = normalizePath(path.resolve(p));
    if (this.rootOf(file)) return false;
    const repository = repositoryRoot(dirnameOf(file));
    if (!repository) return false;
    let pkg: string | undefined;
    for (let dir = dirnameOf(file); dir && isUnder(dir, repository); dir = dirnameOf(dir)) {
      if (this.hasPackageJson(dir)) {
        pkg = dir;
        break;
      }
      if (dir === repository) break;
    }
    if (!pkg) return false;
    await this.addFolder(pkg);
    this.built = true;
    return true;
  }

  /** Forgets a workspace folder that was closed. */
  removeFolder(folder: string): void {
    const root = normalizePath(folder);
    this.roots = this.roots.filter((r) => r !== root);
    this.pending.delete(root);
    this.forgetUnder(root);
  }

  /**
   * Indexes the given files at once, reading them from disk (the CLI and tests): `roots` are the
   * paths that were scanned. The index is ready afterwards. `afterParse` is called after each file
   * that was parsed (the CLI bounds its heap there: each parse leaves its tree behind as garbage).
   */
  indexFiles(files: readonly string[], roots: readonly string[], parsed?: ReadonlyMap<string, SourceParseFacts>, afterParse?: () => void): void {
    this.roots = [...new Set(roots.map((r) => normalizePath(path.resolve(r))))];
    this.deferringServiceFacts = true;
    try {
      for (const file of files) {
        const p = normalizePath(path.resolve(file));
        if (baseNameOf(p) === 'package.json') this.packageJson.set(dirnameOf(p), true);
        if (LICENSE_FILE.test(baseNameOf(p))) this.licenseDirs.add(dirnameOf(p));
        if (!isIndexedPath(p) || this.overlays.has(p)) continue;
        const text = this.readSync(p);
        if (text !== undefined && this.record(p, text, parsed?.get(p))) afterParse?.();
      }
    } finally {
      this.deferringServiceFacts = false;
    }
    this.built = true;
  }

  /**
   * Also indexes the whole package (nearest package.json) of each given file when the indexed roots
   * do not cover it, so that `check src/server.ts` knows about `src/shutdown.ts` next to it. Only
   * packages inside `within` (the CLI's working directory) or inside the git repository around it
   * are walked: a stray package.json in a home folder must not send the CLI through all of it.
   */
  indexPackagesOf(files: readonly string[], within: string): void {
    const boundary = repositoryRoot(within) ?? normalizePath(path.resolve(within));
    const packages = new Set<string>();
    for (const file of files) {
      const p = normalizePath(path.resolve(file));
      const pkg = this.packageOf(p);
      if (pkg && pkg !== this.rootOf(p) && isUnder(pkg, boundary)) packages.add(pkg);
    }
    this.deferringServiceFacts = true;
    try {
      for (const pkg of packages) {
        if (this.rootOf(pkg) !== undefined) continue;
        for (const file of safeCollect(pkg)) {
          const p = normalizePath(file);
          if (baseNameOf(p) === 'package.json') this.packageJson.set(dirnameOf(p), true);
          if (!isIndexedPath(p) || this.overlays.has(p) || this.handlers.has(p)) continue;
          const text = this.readSync(p);
          if (text !== undefined) this.record(p, text);
        }
        this.roots.push(pkg);
      }
    } finally {
      this.deferringServiceFacts = false;
    }
  }

  /**
   * The deepest indexed root holding `file` (or `file` itself), found by walking up its folders: a
   * check given a thousand files as arguments has a thousand roots, and a scan over every root for
   * each question made it quadratic.
   */
  private rootOf(file: string): string | undefined {
    if (this.roots.length === 0) return undefined;
    let lookup = this.rootLookup;
    if (!lookup || lookup.of !== this.roots || lookup.size !== this.roots.length) {
      lookup = { of: this.roots, size: this.roots.length, set: new Set(this.roots) };
      this.rootLookup = lookup;
    }
    for (let p = file; ; ) {
      if (lookup.set.has(p)) return p;
      const parent = dirnameOf(p);
      if (parent === p) return undefined;
      p = parent;
    }
  }

  private async walkFolder(root: string, generation: number, stats: BuildStats): Promise<void> {
    let rootStat: fs.Stats;
    try {
      rootStat = await fs.promises.stat(root);
    } catch {
      return;
    }
    if (rootStat.isFile()) {
      if (isIndexedPath(root)) await this.readBatch([root], stats, generation);
      return;
    }
    const queue: Array<{ dir: string; scopes: IgnoreScope[] }> = [{ dir: root, scopes: inheritedIgnores(root) }];
    let batch: string[] = [];
    while (queue.length > 0) {
      if (generation !== this.generation) return;
      const { dir, scopes } = queue.shift()!;
      const own = readIgnore(dir);
      this.ignoreFiles.set(dir, own ?? null);
      const here = own ? [...scopes, own] : scopes;
      let entries: fs.Dirent[];
      try {
        entries = await fs.promises.readdir(dir, { withFileTypes: true });
      } catch {
        continue; // an unreadable folder holds nothing we can use
      }
      this.packageJson.set(normalizePath(dir), entries.some((e) => e.name === 'package.json' && e.isFile()));
      if (entries.some((e) => e.isFile() && LICENSE_FILE.test(e.name))) this.licenseDirs.add(normalizePath(dir));
      for (const entry of entries) {
        if (NEVER_ENTER.has(entry.name)) continue;
        const abs = `${normalizePath(dir)}/${entry.name}`;
        if (entry.isDirectory()) {
          if (!isIgnored(abs, true, here)) queue.push({ dir: abs, scopes: here });
        } else if (entry.isFile() && isIndexedPath(abs) && !isIgnored(abs, false, here)) {
          batch.push(abs);
          if (batch.length >= this.batchSize) {
            await this.readBatch(batch, stats, generation);
            batch = [];
            await yieldToEventLoop();
            if (generation !== this.generation) return;
          }
        }
      }
    }
    if (batch.length > 0) await this.readBatch(batch, stats, generation);
  }

  private async readBatch(files: string[], stats: BuildStats, generation: number): Promise<void> {
    const texts = await Promise.all(
      files.map(async (file) => {
        try {
          const stat = await fs.promises.stat(file);
          if (!stat.isFile() || stat.size > this.maxFileBytes) return undefined; // a FIFO would block the read
          return await fs.promises.readFile(file, 'utf8');
        } catch {
          return undefined; // deleted meanwhile, or unreadable
        }
      }),
    );
    for (let i = 0; i < files.length; i++) {
      if (generation !== this.generation) return; // superseded meanwhile
      const file = files[i];
      const text = texts[i];
      if (text === undefined || this.overlays.has(file)) continue;
      stats.files++;
      if (this.record(file, text)) {
        stats.parsed++;
        // A parse is the one slow step: let a waiting request in after each.
        await yieldToEventLoop();
      }
    }
  }

  // ---- keeping it current -------------------------------------------------------------------

  /** An open document's current text (it wins over the disk until `closeDocument`). */
  updateDocument(doc: ParsedDocument): void {
    const p = normalizePath(doc.path);
    if (isManifestPath(p)) {
      this.overlays.add(p);
      this.recordManifest(p, doc.text);
      return;
    }
    if (doc.kind === 'python') {
      this.overlays.add(p);
      this.recordPython(p, doc.text, doc);
      return;
    }
    if (!isSourcePath(p) && doc.kind !== 'js') return;
    this.overlays.add(p);
    if (doc.kind === 'js' && SERVER_CANDIDATE.test(doc.text)) this.candidates.add(p);
    else this.candidates.delete(p);
    this.setFacts(p, doc.kind === 'js' ? shutdownFacts(doc) : undefined);
    if (doc.kind === 'js') this.recordService(p, doc.text, doc);
    this.setStaticFolderList(p, this.documentFolders(p, doc));
    const own = this.documentFacts(p, doc);
    this.setImports(p, own.imports, own.traits);
    this.setLoggerExports(p, own.loggers);
    this.setGrpcClientExports(p, own.grpcClients);
  }

  /** What a document's own text says (its imports, whether it is a tool, its logger exports), once per version. */
  private documentFacts(p: string, doc: ParsedDocument): DocumentFacts {
    let own = this.documentFactsCache.get(doc);
    if (!own) {
      const js = doc.kind === 'js';
      own = {
        imports: js ? relativeImportKeys(p, doc.text, doc) : [],
        traits: js ? importerTraits(doc.text, doc) : NO_TRAITS,
        loggers: js && mayExportLogger(doc.text, doc) ? exportedLoggers(doc) : undefined,
        grpcClients: js && mayExportGrpcClient(doc.text) ? exportedGrpcClients(doc) : undefined,
      };
      this.documentFactsCache.set(doc, own);
    }
    return own;
  }

  /**
   * Whether `updateDocument(doc)` would change any answer (the document starts or stops handling
   * SIGTERM, changes its relative imports, or starts or stops being a command line tool). The usual
   * keystroke changes nothing, and the caller can skip looking for documents to re-publish.
   */
  wouldChangeFacts(doc: ParsedDocument): boolean {
    const p = normalizePath(doc.path);
    if (isManifestPath(p)) {
      if (this.serviceManifestWouldChange(p, doc.text)) return true;
      if (isDockerfileName(baseNameOf(p))) return JSON.stringify(dockerfileStages(doc.text)) !== JSON.stringify(this.dockerStages.get(p));
      if (!isComposeName(baseNameOf(p))) return JSON.stringify(kubernetesObjectsOf(p, doc.text, doc)) !== JSON.stringify(this.k8s.get(p) ?? []);
      const { builds, runs } = this.composeLinksOf(p, doc.text);
      return JSON.stringify(builds) !== JSON.stringify(this.composeLinks.get(p) ?? []) || JSON.stringify(runs) !== JSON.stringify(this.composeRuns.get(p) ?? []);
    }
    if (doc.kind === 'python') {
      const stubs = /_pb2_grpc/.test(doc.text) ? pythonGrpcStubs(doc) : undefined;
      if (JSON.stringify(stubs && stubs.size > 0 ? Object.fromEntries(stubs) : null) !== JSON.stringify(this.pythonStubs.get(p) ?? null)) return true;
      return this.serviceFactsWouldChange(p, doc);
    }
    const handles = doc.kind === 'js' && shutdownFacts(doc).handlesSigterm;
    if (handles !== this.handlers.has(p)) return true;
    if (this.serviceFactsWouldChange(p, doc)) return true;
    const folders = this.documentFolders(p, doc);
    if (JSON.stringify(folders) !== JSON.stringify(this.staticFolders.get(p) ?? [])) return true;
    const own = this.documentFacts(p, doc);
    if (!sameTraits(own.traits, this.traits.get(p) ?? NO_TRAITS)) return true;
    const known = this.importsOf.get(p) ?? [];
    if (own.imports.length !== known.length || own.imports.some((key, i) => key !== known[i])) return true;
    const grpcClients = own.grpcClients && own.grpcClients.size > 0 ? JSON.stringify(Object.fromEntries(own.grpcClients)) : undefined;
    const knownClients = this.grpcClientExports.get(p.replace(SOURCE_EXTENSION, ''));
    if (grpcClients !== (knownClients && JSON.stringify(knownClients))) return true;
    const loggers = [...(own.loggers ?? [])].join(',');
    return loggers !== [...(this.loggerExports.get(p.replace(SOURCE_EXTENSION, '')) ?? [])].join(',');
  }

  /** Same as `updateDocument`, from text. */
  updateText(p: string, text: string): void {
    const file = normalizePath(p);
    if (!isIndexedPath(file)) return;
    this.overlays.add(file);
    this.record(file, text);
  }

  /** A document was closed: what is on disk counts again. */
  closeDocument(p: string): void {
    const file = normalizePath(p);
    if (!this.overlays.delete(file)) return;
    this.fileChanged(file);
  }

  /** A file or folder was created or changed on disk (a file-change notification). */
  fileChanged(p: string): void {
    const file = normalizePath(p);
    if (insideNeverEnter(file)) return;
    const name = baseNameOf(file);
    if (isLockfileFact(name)) this.forgetLockfiles(name);
    if (name === 'package.json') {
      const dir = dirnameOf(file);
      const had = this.packageJson.get(dir);
      this.packageJson.set(dir, fs.existsSync(file));
      this.packageInfos.clear();
      if (had !== this.packageJson.get(dir)) this.packageLayoutChanged(dir);
      return;
    }
    if (isLockfileFact(name)) return;
    if (name === '.gitignore') {
      this.ignoreFiles.delete(dirnameOf(file));
      return;
    }
    if (isPythonProjectFile(name) || isEntryPointFile(name) || name === 'ruff.toml' || name === '.ruff.toml') this.pythonProjectFileChanged(file);
    if (LICENSE_FILE.test(name)) {
      if (fs.existsSync(file)) this.licenseDirs.add(dirnameOf(file));
      else this.licenseDirs.delete(dirnameOf(file));
      return;
    }
    let stat: fs.Stats;
    try {
      stat = fs.statSync(file);
    } catch {
      this.fileDeleted(file);
      return;
    }
    if (stat.isDirectory()) {
      // A folder appeared (a checkout, a copy): index what is in it.
      this.packageJson.delete(file);
      for (const inner of safeCollect(file)) this.fileChanged(inner);
      return;
    }
    if (!isIndexedPath(file) || this.overlays.has(file) || this.isGitIgnored(file)) return;
    const text = stat.size > this.maxFileBytes ? undefined : this.readSync(file);
    if (text === undefined) this.forgetFile(file);
    else this.record(file, text);
  }

  /** A file or folder was deleted. */
  fileDeleted(p: string): void {
    const file = normalizePath(p);
    if (baseNameOf(file) === 'package.json' && this.packageJson.get(dirnameOf(file)) !== false) {
      this.packageJson.set(dirnameOf(file), false);
      this.packageLayoutChanged(dirnameOf(file));
    }
    if (isLockfileFact(baseNameOf(file))) this.forgetLockfiles(baseNameOf(file));
    if (baseNameOf(file) === '.gitignore') this.ignoreFiles.delete(dirnameOf(file));
    if (LICENSE_FILE.test(baseNameOf(file))) this.licenseDirs.delete(dirnameOf(file));
    if (isPythonProjectFile(baseNameOf(file)) || /^\.?ruff\.toml$/.test(baseNameOf(file))) this.pythonProjectFileChanged(file);
    this.packageInfos.clear();
    if (this.overlays.has(file)) return; // still open: the editor's text is what counts
    this.forgetUnder(file);
  }

  /** A file or folder was renamed or moved. */
  rename(from: string, to: string): void {
    const source = normalizePath(from);
    const target = normalizePath(to);
    for (const open of [...this.overlays]) {
      if (isUnder(open, source)) this.overlays.delete(open);
    }
    this.fileDeleted(source);
    this.fileChanged(target);
  }

  // ---- what changed -------------------------------------------------------------------------

  /** The current answers for `paths` (open documents), to compare after a change. */
  snapshot(paths: Iterable<string>): FactSnapshot {
    const out: FactSnapshot = new Map();
    for (const p of paths) out.set(p, this.answers(p));
    return out;
  }

  private answers(p: string): string {
    const pkg = this.packageFacts(p);
    // A Dockerfile follows the entry scripts of its build context (signal-not-forwarded): their facts are its answers too.
    const scripts = isDockerfileName(baseNameOf(p)) ? ` ${this.entryScriptAnswers(dirnameOf(normalizePath(p)))}` : '';
    const links = `${JSON.stringify(this.composeServicesBuilding(p))} ${JSON.stringify((this.composeLinks.get(normalizePath(p)) ?? []).map((b) => this.dockerfileStage(b.dockerfile, b.target)))}`;
    return `${links} ${this.k8sAnswers(p)} ${this.serviceAnswers(p)} ${this.handlesSigterm(p)} ${this.packageKind(p)} ${this.scriptRole(p)} ${JSON.stringify(this.commandLinePackage(p))} ${JSON.stringify(this.importersOf(p))} ${this.importedLoggerExports(p)} ${this.importedGrpcClientExports(p)} ${JSON.stringify(this.servedStatically(p))} ${pkg?.frontEnd}${p.endsWith('.py') ? ` ${this.pythonAnswers(p, pkg?.dir)} py-grpc:${this.pythonStubRevision}` : ''}${SOURCE_EXTENSION.test(p) ? ` lock:${this.lockfileRevision}` : ''}${scripts}`;
  }

  /** The entry scripts below a build context and what each does with the app, for a Dockerfile's answers. */
  private entryScriptAnswers(dir: string): string {
    const prefix = `${dir.replace(/\/$/, '')}/`;
    const out: string[] = [];
    for (const [file, facts] of this.entryScripts) if (file.startsWith(prefix)) out.push(`${file}=${JSON.stringify(facts)}`);
    return out.sort().join(' ');
  }

  /** The paths of a snapshot whose answer is different now: the documents to analyse again. */
  changedSince(before: FactSnapshot): string[] {
    const out: string[] = [];
    for (const [p, answer] of before) if (this.answers(p) !== answer) out.push(p);
    return out;
  }

  // ---- internals ----------------------------------------------------------------------------

  /** Takes in a file's text; true when it had to be parsed (the slow step). */
  private record(file: string, text: string, given?: SourceParseFacts): boolean {
    // A file too costly to analyse (limits.ts) is not parsed for its facts either, as one over maxFileBytes is not read.
    const kind = classify(file, text.slice(0, 65536));
    if (kind && tooCostlyReason(kind, file, text)) {
      this.forgetFile(file);
      return false;
    }
    if (isGoPath(file)) {
      const facts = goFileFacts(file, text);
      if (JSON.stringify(facts) !== JSON.stringify(this.goFiles.get(file))) this.serviceRevision++;
      this.goFiles.set(file, facts);
      return false;
    }
    if (!isManifestPath(file)) {
      const evidence = isBuildEvidencePath(file);
      if (evidence) this.recordBuildEvidence(file, text);
      if (evidence === 'make' || evidence === 'readme') return false;
    }
    if (isPythonSource(file) || isSourcePath(file)) {
      const mayServe = MAY_SERVE.test(text);
      if (this.codeFiles.get(file) !== mayServe) this.serviceRevision++;
      this.codeFiles.set(file, mayServe);
    }
    if (isPythonSource(file)) return this.recordPython(file, text);
    if (isEntryScriptPath(file) && !isManifestPath(file) && !isSourcePath(file)) {
      this.entryScripts.set(file, entryScriptFacts(text));
      this.setShellRuns(file, text);
      return false;
    }
    if (isManifestPath(file)) {
      this.recordManifest(file, text);
      return false;
    }
    if (SERVER_CANDIDATE.test(text)) this.candidates.add(file);
    else this.candidates.delete(file);
    const counts = this.countsInService(file);
    const defer = counts && this.deferringServiceFacts && SERVICE_FACTS_PREFILTER.pattern.test(text);
    const parsed = given && given.length === text.length ? given : sourceParseFacts(file, text, counts && !defer);
    this.setUncounted(file, !counts);
    if (defer) this.unreadServiceFacts.add(file);
    else this.unreadServiceFacts.delete(file);
    this.setService(file, pathLiteralWords(text), defer ? undefined : parsed.service);
    this.setStaticFolders(file, text);
    this.setImports(file, relativeImportKeys(file, text), importerTraits(text));
    this.setFacts(file, parsed.shutdown);
    this.setLoggerExports(file, parsed.loggers);
    this.setGrpcClientExports(file, parsed.grpcClients);
    return parsed.sigtermOrLogger;
  }

  /**
   * What `record` parses a file on disk for (the slow part of indexing it), computed in any thread:
   * the CLI's worker threads compute it for a share of the files while the main thread indexes, and
   * `indexFiles` takes it over. Undefined when the file needs no parse (the main thread's text tests suffice).
   */
  static sourceParseFactsOf(file: string, maxFileBytes = DEFAULT_MAX_FILE_BYTES): [string, SourceParseFacts] | undefined {
    const p = normalizePath(path.resolve(file));
    if (!isIndexedPath(p) || isManifestPath(p) || isPythonSource(p) || isGoPath(p) || (isEntryScriptPath(p) && !isSourcePath(p))) return undefined;
    const text = readFactFile(p, maxFileBytes);
    if (text === undefined) return undefined;
    // Service facts are left for the first question (`unreadServiceFacts`): `indexFiles` takes these answers.
    const facts = sourceParseFacts(p, text, false);
    return facts.parsed ? [p, facts] : undefined;
  }

  /** The logger exports of the module an import's key reaches: the file itself, or its folder's index. */
  private loggerExportsOf(key: string): Map<string, LoggerKind> | undefined {
    return this.loggerExports.get(key) ?? this.loggerExports.get(`${key}/index`);
  }

  private setLoggerExports(file: string, loggers: Map<string, LoggerKind> | undefined): void {
    const key = file.replace(SOURCE_EXTENSION, '');
    if (loggers && loggers.size > 0) this.loggerExports.set(key, loggers);
    else this.loggerExports.delete(key);
  }

  /** The logger exports of the modules `p` imports, for comparing answers before and after a change. */
  private importedLoggerExports(p: string): string {
    const parts: string[] = [];
    for (const key of this.importsOf.get(p) ?? []) {
      const exports = this.loggerExportsOf(key);
      if (exports) parts.push(`${key}=${[...exports].join(',')}`);
    }
    return parts.join(';');
  }

  private setStaticFolders(file: string, text: string): void {
    this.setStaticFolderList(file, servedFolders(file, text, this.packageOf(file) || dirnameOf(file)));
  }

  private setStaticFolderList(file: string, folders: ServedFolder[]): void {
    if (folders.length > 0) this.staticFolders.set(file, folders);
    else this.staticFolders.delete(file);
  }

  /** Per open document version, the folders its text serves (asked by `wouldChangeFacts`, then `updateDocument`). */
  private readonly documentFolderCache = new WeakMap<ParsedDocument, { pkg: string; folders: ServedFolder[] }>();

  private documentFolders(p: string, doc: ParsedDocument): ServedFolder[] {
    const pkg = this.packageOf(p) || dirnameOf(p);
    const kept = this.documentFolderCache.get(doc);
    if (kept && kept.pkg === pkg) return kept.folders;
    const folders = servedFolders(p, doc.text, pkg, doc);
    this.documentFolderCache.set(doc, { pkg, folders });
    return folders;
  }

  private setFacts(file: string, facts: ShutdownFacts | undefined): void {
    if (facts?.handlesSigterm) this.handlers.set(file, facts);
    else this.handlers.delete(file);
  }

  private setImports(file: string, keys: string[], traits: ImporterTraits): void {
    for (const key of this.importsOf.get(file) ?? []) this.importersByKey.get(key)?.delete(file);
    if (keys.length > 0) this.importsOf.set(file, keys);
    else this.importsOf.delete(file);
    for (const key of keys) {
      let importers = this.importersByKey.get(key);
      if (!importers) this.importersByKey.set(key, (importers = new Set()));
      importers.add(file);
    }
    if (traits.commandLineTool || traits.startsServer || traits.frontEnd) this.traits.set(file, traits);
    else this.traits.delete(file);
  }

  private forgetFile(file: string): void {
    this.forgetService(file);
    if (this.buildCommands.delete(file)) this.k8sRevision++;
    if (this.composeRuns.delete(file)) this.k8sRevision++;
    this.setK8sObjects(file, []);
    this.setChartValues(file, undefined);
    this.appServerLaunches.delete(file);
    this.composeLinks.delete(file);
    if (this.dockerStages.delete(file)) this.k8sRevision++;
    this.dockerEntrypoints.delete(file);
    this.entryScripts.delete(file);
    this.setDockerRuns(file, undefined);
    this.setShellRuns(file, undefined);
    this.handlers.delete(file);
    this.staticFolders.delete(file);
    this.candidates.delete(file);
    this.setLoggerExports(file, undefined);
    this.setImports(file, [], NO_TRAITS);
    this.setPythonStubs(file, undefined);
    this.setGrpcClientExports(file, undefined);
  }

  private forgetUnder(p: string): void {
    // Logger exports are keyed without the extension: `src/log/index.js` is `src/log/index`.
    const bare = p.replace(SOURCE_EXTENSION, '');
    const open = new Set([...this.overlays].map((file) => file.replace(SOURCE_EXTENSION, '')));
    for (const key of [...this.loggerExports.keys()]) {
      if ((isUnder(key, p) || key === bare) && !open.has(key)) this.loggerExports.delete(key);
    }
    for (const key of [...this.grpcClientExports.keys()]) {
      if ((isUnder(key, p) || key === bare) && !open.has(key)) this.grpcClientExports.delete(key);
    }
    for (const file of [...this.handlers.keys(), ...this.candidates, ...this.importsOf.keys(), ...this.traits.keys(), ...this.staticFolders.keys(), ...this.composeLinks.keys(), ...this.dockerStages.keys(), ...this.k8s.keys(), ...this.appServerLaunches.keys(), ...this.serviceFiles.keys(), ...this.pyServiceFiles.keys(), ...this.pathWords.keys(), ...this.dockerImages.keys(), ...this.imageLinks.keys(), ...this.pythonStubs.keys()]) {
      if (isUnder(file, p) && !this.overlays.has(file)) this.forgetFile(file);
    }
    for (const dir of [...this.packageJson.keys()]) if (isUnder(dir, p)) this.packageJson.delete(dir);
    for (const dir of [...this.licenseDirs]) if (isUnder(dir, p)) this.licenseDirs.delete(dir);
    for (const dir of [...this.lockfiles.keys()]) if (isUnder(dir, p)) this.lockfiles.delete(dir);
    for (const dir of [...this.workspaceRoots.keys()]) if (isUnder(dir, p)) this.workspaceRoots.delete(dir);
    for (const dir of [...this.pythonProjectDirs.keys()]) if (isUnder(dir, p)) this.pythonProjectFileChanged(`${dir}/x`);
    for (const dir of [...this.ignoreFiles.keys()]) if (isUnder(dir, p)) this.ignoreFiles.delete(dir);
  }

  private readSync(file: string): string | undefined {
    return readFactFile(file, this.maxFileBytes);
  }

  /** Whether .gitignore files between the file's root and the file ignore it. */
  private isGitIgnored(file: string): boolean {
    const root = this.rootOf(file);
    if (!root || root === file) return false;
    const dirs: string[] = [];
    for (let dir = dirnameOf(file); isUnder(dir, root); dir = dirnameOf(dir)) {
      dirs.unshift(dir);
      if (dir === root) break;
    }
    const scopes: IgnoreScope[] = inheritedIgnores(root);
    for (const dir of dirs) {
      if (scopes.length > 0 && dir !== root && isIgnored(dir, true, scopes)) return true;
      let own = this.ignoreFiles.get(dir);
      if (own === undefined) {
        own = readIgnore(dir) ?? null;
        this.ignoreFiles.set(dir, own);
      }
      if (own) scopes.push(own);
    }
    return isIgnored(file, false, scopes);
  }
}

/** A file whose change changes what `installedVersions` answers. */
function isLockfileFact(name: string): boolean {
  return name === 'package.json' || name === 'pnpm-workspace.yaml' || (LOCKFILE_NAMES as readonly string[]).includes(name);
}

/** A folder that installs packages below it from its own lockfile: `workspaces` in its package.json, or a pnpm-workspace.yaml. */
function isWorkspaceRoot(dir: string): boolean {
  if (fs.existsSync(path.join(dir, 'pnpm-workspace.yaml'))) return true;
  const text = readFactFile(path.join(dir, 'package.json'));
  if (text === undefined) return false;
  try {
    const json = JSON.parse(text) as unknown;
    return typeof json === 'object' && json !== null && 'workspaces' in json;
  } catch {
    return false;
  }
}

/** The folder holding `.git` at or above `dir`, if any. */
function repositoryRoot(dir: string): string | undefined {
  for (let current = path.resolve(dir); ; current = path.dirname(current)) {
    if (fs.existsSync(path.join(current, '.git'))) return normalizePath(current);
    if (path.dirname(current) === current) return undefined;
  }
}

const SOURCE_EXTENSION = /\.(?:[cm]?[jt]sx?)$/i;
const LICENSE_FILE = /^(?:LICEN[CS]E|COPYING|UNLICENSE)(?:[.-][\w.-]+)?$/i;

/**
 * The names a module file answers to in an import: its path without the extension (`./db` and
 * `./db.js` both reach `db.ts`), and its folder for an `index` file.
 */
function moduleKeys(file: string): string[] {
  const bare = file.replace(SOURCE_EXTENSION, '');
  return baseNameOf(bare) === 'index' ? [bare, dirnameOf(bare)] : [bare];
}

interface DocumentFacts {
  imports: string[];
  traits: ImporterTraits;
  loggers: Map<string, LoggerKind> | undefined;
  grpcClients?: Map<string, GrpcClientFacts> | undefined;
}

/**
 * A module specifier in quotes right after `from`, `import`, `import(` or `require(`. The scans look
 * for the quoted string first (a quote is a cheap first character to look for) and check the word
 * before it second: this runs on every keystroke of an open file.
 */
const KEYWORD_BEFORE = /(?:\bfrom|\bimport|\brequire)\s*\(?\s*$/;
const RELATIVE_SPECIFIER = /(['"])(\.\.?\/[^'"\n]*)\1/g;
const TERMINAL_SPECIFIER = new RegExp(String.raw`['"](?:${TERMINAL_MODULES})(?:\/[^'"]*)?['"]`, 'g');
const TERMINAL_GUARD = new LiteralGuard(
  TERMINAL_SPECIFIER,
  quoted('node:readline', 'readline', 'commander', 'yargs', 'meow', 'cac', 'inquirer', '@inquirer/', 'prompts', 'enquirer', 'ora', 'listr', 'chalk', 'kleur', 'picocolors', 'colorette', 'colors', 'cli-table', '@clack/prompts', 'yeoman-generator', 'boxen', 'figlet', 'log-symbols', 'cli-progress', '@oclif/', 'clipanion', 'sade', 'gluegun', 'vorpal'),
);

function afterImportKeyword(text: string, index: number): boolean {
  return KEYWORD_BEFORE.test(text.slice(Math.max(0, index - 24), index));
}

/** The module key (see `moduleKeys`) a relative specifier reaches from `dir`. */
function moduleKeyOf(dir: string, specifier: string): string {
  return path.posix.normalize(`${dir}/${specifier}`).replace(/\/$/, '').replace(SOURCE_EXTENSION, '');
}

/**
 * A scoped package's deep import (`'@documenso/lib/universal/upload/get-file'`): in a monorepo, most
 * often a module of another package of the workspace, reached by its package name.
 */
const SCOPED_DEEP_SPECIFIER = /(['"])(@[\w.-]+\/[\w.-]+\/[^'"\n]+)\1/g;
/** The key prefix of an import by package name (see `packageImportKeys`). */
const PACKAGE_KEY = 'pkg:';

/**
 * The module keys of a file's relative imports, and of its deep imports of scoped packages (as
 * `pkg:<specifier>`, matched against the workspace's own packages by `importersOf`). A text scan: an
 * import in a comment counts too, which only makes a file look less exclusively used.
 */
function relativeImportKeys(file: string, text: string, doc?: ParsedDocument): string[] {
  const keys = new Set<string>();
  const has = (literal: string) => (doc ? doc.includes(literal) : text.includes(literal));
  if (has('./')) {
    const dir = dirnameOf(file);
    for (const match of text.matchAll(RELATIVE_SPECIFIER)) {
      if (!afterImportKeyword(text, match.index)) continue;
      keys.add(moduleKeyOf(dir, match[2]));
    }
  }
  if (has("'@") || has('"@')) {
    for (const match of text.matchAll(SCOPED_DEEP_SPECIFIER)) {
      if (!afterImportKeyword(text, match.index)) continue;
      keys.add(`${PACKAGE_KEY}${match[2].replace(/\/$/, '').replace(SOURCE_EXTENSION, '')}`);
    }
  }
  return [...keys];
}

/**
 * The keys under which other packages import `file` by its package's name: `<name>/<path>` from the
 * package folder, and without a leading `src/` (packages that export their sources), with the
 * folder for an `index` file.
 */
function packageImportKeys(file: string, packageDir: string, name: string | undefined): string[] {
  if (!name || !name.startsWith('@') || !isUnder(file, packageDir)) return [];
  const rel = file.slice(packageDir.length + 1).replace(SOURCE_EXTENSION, '');
  const paths = [rel];
  if (rel.startsWith('src/')) paths.push(rel.slice(4));
  const keys: string[] = [];
  for (const p of paths) {
    keys.push(`${PACKAGE_KEY}${name}/${p}`);
    if (baseNameOf(p) === 'index' && p.includes('/')) keys.push(`${PACKAGE_KEY}${name}/${dirnameOf(p)}`);
  }
  return keys;
}

type ImporterTraits = Omit<Importer, 'path'>;
const NO_TRAITS: ImporterTraits = { commandLineTool: false, startsServer: false, frontEnd: false };

function sameTraits(a: ImporterTraits, b: ImporterTraits): boolean {
  return a.commandLineTool === b.commandLineTool && a.startsServer === b.startsServer && a.frontEnd === b.frontEnd;
}

/** What a file's text says it is, for the files it imports (see `Importer`); `doc`: the open version the text is of (its `LISTENS` answer is shared with the file role). */
function importerTraits(text: string, doc?: ParsedDocument): ImporterTraits {
  return { commandLineTool: isCommandLineTool(text, doc), startsServer: doc ? doc.test(LISTENS) : LISTENS.test(text), frontEnd: isFrontEnd(text, doc) };
}

const UI_SPECIFIER = new RegExp(String.raw`['"](?:${UI_MODULES})(?:\/[^'"]*)?['"]`, 'g');
const SERVER_SIDE_SPECIFIER = new RegExp(String.raw`['"](?:${SERVER_SIDE_MODULES})(?:\/[^'"]*)?['"]`, 'g');
const SERVER_MODULE_SPECIFIER = /['"][^'"\n]*\.server(?:\.[jt]sx?)?['"]/g;
// What every match of each holds, for an open document to skip the scan where none occurs (`mayMatch`).
const UI_GUARD = new LiteralGuard(UI_SPECIFIER, [
  ...quoted('react', 'vue', 'svelte', 'preact', 'solid-js', '@angular/core', 'jquery', '@remix-run/react', 'next/', 'expo', '@react-navigation/', '@mui/', '@chakra-ui/', 'antd', 'styled-components', '@emotion/', 'client-only'),
  // `x-react`, `@scope/react-x`, `x/react`: React bindings by their names (REACT_BINDINGS).
  '-react',
  '/react',
]);
const SERVER_SIDE_GUARD = new LiteralGuard(SERVER_SIDE_SPECIFIER, quoted('react-dom/server', 'vue/server-renderer', '@vue/server-renderer', 'svelte/server', 'next/server', 'next/headers', 'server-only'));
const SERVER_MODULE_GUARD = new LiteralGuard(SERVER_MODULE_SPECIFIER, ['.server']);
/** `'use client'` as the file's first statement, after any comments. */
function startsWithUseClient(text: string): boolean {
  let i = 0;
  for (;;) {
    while (i < text.length && /\s/.test(text[i])) i++;
    if (text.startsWith('//', i)) {
      const end = text.indexOf('\n', i);
      if (end === -1) return false;
      i = end + 1;
    } else if (text.startsWith('/*', i)) {
      const end = text.indexOf('*/', i + 2);
      if (end === -1) return false;
      i = end + 2;
    } else {
      return /^['"]use client['"]/.test(text.slice(i, i + 12));
    }
  }
}

/** Front-end code: `'use client'` first, or an import of a UI library, and no server-side rendering import. */
function isFrontEnd(text: string, doc?: ParsedDocument): boolean {
  const imports = (guard: LiteralGuard): boolean => {
    if (doc && !doc.mayMatch(guard)) return false;
    for (const match of text.matchAll(guard.pattern)) if (afterImportKeyword(text, match.index)) return true;
    return false;
  };
  if (imports(SERVER_SIDE_GUARD) || imports(SERVER_MODULE_GUARD)) return false;
  return startsWithUseClient(text) || imports(UI_GUARD);
}

/** A command line tool: reads `process.argv` or imports a terminal library (as console-log's file facts say). */
function isCommandLineTool(text: string, doc?: ParsedDocument): boolean {
  if (doc ? doc.includes('process.argv') : text.includes('process.argv')) return true;
  if (doc && !doc.mayMatch(TERMINAL_GUARD)) return false;
  for (const match of text.matchAll(TERMINAL_SPECIFIER)) if (afterImportKeyword(text, match.index)) return true;
  return false;
}

/** What indexing a source file needs a parse for (`WorkspaceIndex.sourceParseFactsOf`); plain data, it crosses threads. */
export interface SourceParseFacts {
  /** The text's length, to tell a stale answer (the file changed meanwhile) from a good one. */
  length: number;
  service: JsServiceFacts | undefined;
  shutdown: ShutdownFacts | undefined;
  loggers: Map<string, LoggerKind> | undefined;
  grpcClients: Map<string, GrpcClientFacts> | undefined;
  /** The SIGTERM, logger or gRPC-export prefilter passed (the index's "parsed" count). */
  sigtermOrLogger: boolean;
  /** Whether anything was parsed at all. */
  parsed: boolean;
}

/** One parse for every fact read from a source file on disk (service facts, SIGTERM handling, logger exports), made when the first needs it. */
/**
 * An image's name without its tag, a tag from a variable (`acme/api:${VERSION:-release}`, `acme/api:$TAG-slim`)
 * included: no tag the name can be narrowed by.
 */
function nameBeforeVariableTag(image: string): string {
  return imageWithoutTag(image.replace(/:\$(?:\{[^}]*\}|\w+)[\w.-]*$/, ''));
}

/** Whether a file of the package `dir` runs in its server: not one of its tests, scripts, examples or configs, whose routes and listen calls are not the service's. */
function runsInService(file: string, dir: string): boolean {
  const role = roleByPath(file.slice(dir.length + 1))?.role;
  return role === undefined || role === 'service';
}

/** `countsInService`: whether the file's service facts can count in a service, which only then are read. */
function sourceParseFacts(file: string, text: string, countsInService: boolean): SourceParseFacts {
  let doc: ParsedDocument | undefined;
  const parse = () => (doc ??= new ParsedDocument({ path: file, relativePath: baseNameOf(file), text, kind: 'js' }));
  const service = countsInService && SERVICE_FACTS_PREFILTER.pattern.test(text) ? serviceFactsOf(file, text, true, parse()) : undefined;
  const sigterm = mayHandleSigterm(text);
  const exportsLogger = mayExportLogger(text);
  const exportsGrpc = mayExportGrpcClient(text);
  let shutdown: ShutdownFacts | undefined;
  let loggers: Map<string, LoggerKind> | undefined;
  let grpcClients: Map<string, GrpcClientFacts> | undefined;
  if (sigterm || exportsLogger || exportsGrpc) {
    try {
      shutdown = sigterm ? shutdownFacts(parse()) : undefined;
      loggers = exportsLogger ? exportedLoggers(parse()) : undefined;
      grpcClients = exportsGrpc ? exportedGrpcClients(parse()) : undefined;
    } catch {
      // a file the parser chokes on says nothing
    }
  }
  const sigtermOrLogger = sigterm || exportsLogger || exportsGrpc;
  return { length: text.length, service, shutdown, loggers, grpcClients, sigtermOrLogger, parsed: doc !== undefined };
}

/**
 * A source file's service facts (`doc`: its open version or a parse of its text), undefined when it has none
 * or they cannot count in a service (`countsInService` false: a test's routes are not the service's).
 */
function serviceFactsOf(file: string, text: string, countsInService: boolean, doc?: ParsedDocument): JsServiceFacts | undefined {
  if (!countsInService || !(doc ? doc.testAnchored(SERVICE_FACTS_PREFILTER) : SERVICE_FACTS_PREFILTER.pattern.test(text))) return undefined;
  try {
    const facts = jsServiceFacts(doc?.kind === 'js' ? doc : new ParsedDocument({ path: file, relativePath: baseNameOf(file), text, kind: 'js' }));
    const empty = facts.routers.length === 0 && facts.mounts.length === 0 && facts.controllers.length === 0 && facts.listens.length === 0 && facts.drains.length === 0 && facts.globalPrefix === undefined && !facts.unknownRoutes;
    return empty ? undefined : facts;
  } catch {
    return undefined; // a file the parser chokes on says nothing
  }
}

/**
 * Text that may export a logger: imports or requires a logger library, and exports something. The module's
 * name as a string (`'pino'`, `"winston"`): a logger's kind is known only from the library's import
 * (logging/file-facts.ts binds module names from specifiers), so text that merely names one (fastify's
 * sources say "pino" in 90 files, requiring it in 2) makes none.
 */
const LOGGER_LIBRARY = new AnchoredPattern(/(['"`])(?:pino|winston|bunyan)\1/, ['pino', 'winston', 'bunyan'], 1);
const EXPORTS = /\bexports?\b/;

/** Whether a module's text may export a gRPC client it makes (rules/calls/grpc.ts): it names grpc and exports something. */
function mayExportGrpcClient(text: string): boolean {
  return text.includes('grpc') && /\bexport\b|\bexports\b/.test(text);
}

/** `doc`: the open version `text` is of (its anchors are carried between versions). */
function mayExportLogger(text: string, doc?: ParsedDocument): boolean {
  return (doc ? doc.testAnchored(LOGGER_LIBRARY) : LOGGER_LIBRARY.pattern.test(text)) && EXPORTS.test(text);
}

/** A call that may start a server (`.listen(`, `.start(`, `serve(`): loose on purpose, the rule decides. */
/** Words of a way to serve requests, HTTP or not, in JS/TS or Python (a text net: `imageCode` answers "serves nothing" only without them). */
const MAY_SERVE = /\b(?:listen|serve|serve_forever|createServer|bindAsync|add_insecure_port|grpc|grpcio|websockets?|WebSocketServer|socket\.io|socketio|tornado|sanic|bottle|cherrypy|twisted|starlette|quart|falcon|aiohttp|flask|fastapi|django|uvicorn|gunicorn|hypercorn|waitress|HTTPServer|socketserver|run_app|express|fastify|koa|hapi|nestjs|hono|next|nuxt)\b/;

const SERVER_CANDIDATE = /\.\s*(?:listen|start)\s*\(|\bserve\s*\(/;

function safeList(dir: string): string[] {
  try {
    return fs.readdirSync(dir);
  } catch {
    return [];
  }
}

function safeCollect(dir: string): string[] {
  try {
    return collectFiles([dir], dir);
  } catch {
    return [];
  }
}

function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Reads what a folder's package.json says (see WorkspaceFacts); undefined when it cannot be read. */
function readPackageInfo(dir: string): PackageInfo | undefined {
  const text = readFactFile(path.join(dir, 'package.json'));
  const info = text === undefined ? undefined : parsePackageJson(text, dir);
  // A package with nothing of a library but `main`, built into an image by its own Dockerfile, runs as a
  // program. One shaped for publishing (`exports`, `types`, ...) stays a library even with a Dockerfile.
  if (info?.kind === 'library' && !info.shapedForPublishing && ['Dockerfile', 'Containerfile'].some((name) => fs.existsSync(path.join(dir, name)))) info.kind = 'application';
  return info;
}

// ---- Kubernetes objects -------------------------------------------------------------------

function isKubernetesCandidatePath(name: string): boolean {
  return /\.ya?ml$/i.test(name) && name !== '.prodready.yaml';
}

/** The linking objects of a YAML file, when its text looks like it holds some (a cheap prefilter first). */
function kubernetesObjectsOf(file: string, text: string, open?: ParsedDocument): K8sObject[] {
  if (!K8S_OBJECT_PREFILTER.test(text) || classify(file, text) !== 'kubernetes') return [];
  try {
    const doc = open?.kind === 'kubernetes' ? open : new ParsedDocument({ path: file, relativePath: baseNameOf(file), text, kind: 'kubernetes' });
    return k8sObjects(doc);
  } catch {
    return [];
  }
}

