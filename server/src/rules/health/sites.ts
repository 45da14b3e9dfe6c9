// Every place a manifest probes its app over HTTP or TCP, in one shape for the cross-checks: Kubernetes
// httpGet/tcpSocket probes, compose `healthcheck.test` URLs, a Dockerfile's HEALTHCHECK URL. Each site
// knows the code behind it (when the links are certain), the environment the app sees there, and
// where its path and port are written. Computed once per document version.

import * as path from 'node:path';
import { isMap, isScalar, isSeq, type Node, type YAMLMap } from 'yaml';
import type { ParsedDocument } from '../../engine/document';
import type { RuleContext } from '../../engine/types';
import { builtDockerfile } from '../../engine/model/compose-links';
import { contextOf, dockerImageFacts } from '../../engine/model/service-links';
import { getMap, getPair, getString, getValue, resolve, asMap } from '../manifests/yaml-tools';
import type { Container } from '../manifests/k8s';
import { codeForContext, codeForImage, commandUrl, composeEnv, k8sEnv, k8sProbes, withImageEnv, type EnvLookup, type LinkedCode, type Located, type ProbeKey } from './links';

export interface ProbeSite {
  key: ProbeKey | 'healthcheck';
  /** "The liveness probe of container 'api'", "The healthcheck of service 'api'". */
  what: string;
  code: LinkedCode | undefined;
  env: EnvLookup;
  /** The manifest runs another command than the image's (`command`/`args`): which process answers is not known. */
  commandOverridden: boolean;
  /** The words of that command, when the manifest gives one (a Python app-server launch is read from it). */
  command?: string;
  path: Located | undefined;
  port: (Located & { number: number | undefined; name: string | undefined }) | undefined;
  /** Where the port is implied (a URL without a port: 80), when it is not written. */
  container: Container | undefined;
  headers: string[];
}

// Keyed by the document version and the facts it was read with: the same version is analysed again
// when another file changes (the server hands in fresh facts), and must then see the new code.
const cache = new WeakMap<ParsedDocument, { workspace: RuleContext['workspace']; sites: ProbeSite[] }>();

export function probeSites(ctx: RuleContext): ProbeSite[] {
  const cached = cache.get(ctx.doc);
  if (cached && cached.workspace === ctx.workspace) return cached.sites;
  const sites = ctx.doc.kind === 'kubernetes' ? k8sSites(ctx) : ctx.doc.kind === 'compose' ? composeSites(ctx) : ctx.doc.kind === 'dockerfile' ? dockerfileSites(ctx) : [];
  cache.set(ctx.doc, { workspace: ctx.workspace, sites });
  return sites;
}

const PROBE_NAMES: Record<ProbeKey, string> = { livenessProbe: 'liveness probe', readinessProbe: 'readiness probe', startupProbe: 'startup probe' };

function k8sSites(ctx: RuleContext): ProbeSite[] {
  const out: ProbeSite[] = [];
  for (const probe of k8sProbes(ctx)) {
    const { container } = probe;
    const { scope, map } = container;
    const image = getString(map, 'image', scope);
    const code = codeForImage(ctx, image);
    const commandOverridden = getPair(map, 'command', scope) !== undefined || getPair(map, 'args', scope) !== undefined;
    const command = commandOverridden ? `${wordsOf(getValue(map, 'command', scope), scope)} ${wordsOf(getValue(map, 'args', scope), scope)}`.trim() : undefined;
    let port: ProbeSite['port'];
    if (probe.port) {
      const numeric = /^\d+$/.test(probe.port.value);
      port = { ...probe.port, number: numeric ? Number(probe.port.value) : namedPort(container, probe.port.value), name: numeric ? undefined : probe.port.value };
    }
    out.push({
      key: probe.key,
      what: `The ${PROBE_NAMES[probe.key]} of container '${container.name ?? '?'}'`,
      code,
      env: withImageEnv(k8sEnv(container), code?.image),
      commandOverridden,
      command,
      path: probe.action === 'httpGet' ? probe.path : undefined,
      port: probe.portKnown ? port : undefined,
      container,
      headers: probe.headers,
    });
  }
  return out;
}

/** A command's words (`command:` as a list or a string); a templated or non-scalar word makes it empty (unknown). */
function wordsOf(node: unknown, scope: Parameters<typeof resolve>[1] | undefined): string {
  const n = scope ? resolve(node as Node, scope) : (node as Node | undefined);
  if (isSeq(n)) {
    const words = n.items.map((i) => (isScalar(i) && i.value !== null && typeof i.value !== 'object' ? String(i.value) : undefined));
    return words.every((w) => w !== undefined && !w.includes('{{')) ? words.join(' ') : '';
  }
  return isScalar(n) && typeof n.value === 'string' && !n.value.includes('{{') ? n.value : '';
}

/** The number a container gives a named port, undefined when it does not declare it (or not as a literal). */
export function namedPort(container: Container, name: string): number | undefined {
  const { scope, map } = container;
  const ports = resolve(getValue(map, 'ports', scope), scope);
  if (!isSeq(ports)) return undefined;
  for (const item of ports.items) {
    const p = asMap(item, scope);
    if (p && getString(p, 'name', scope) === name) {
      const n = getString(p, 'containerPort', scope);
      return n && /^\d+$/.test(n) ? Number(n) : undefined;
    }
  }
  return undefined;
}

function composeSites(ctx: RuleContext): ProbeSite[] {
  const out: ProbeSite[] = [];
  const dir = path.posix.dirname(ctx.doc.path);
  for (const document of ctx.doc.yaml.documents) {
    if (document.errors.length > 0) continue;
    const root = document.contents;
    const services = isMap(root) ? (root.get('services', true) as Node | undefined) : undefined;
    if (!isMap(services)) continue;
    for (const pair of services.items) {
      if (!isScalar(pair.key) || !isMap(pair.value)) continue;
      const service = pair.value as YAMLMap;
      const healthcheck = service.get('healthcheck', true) as Node | undefined;
      if (!isMap(healthcheck)) continue;
      const test = healthcheck.get('test', true) as Node | undefined;
      const located = urlIn(ctx.doc.text, test);
      if (!located) continue;
      const build = service.get('build', true) as Node | undefined;
      const built = build !== undefined ? builtDockerfile(dir, build) : undefined;
      let code: LinkedCode | undefined;
      if (built) code = codeForContext(ctx, contextOf(dir, build), built.dockerfile);
      else {
        const image = service.get('image', true) as Node | undefined;
        if (isScalar(image) && typeof image.value === 'string') code = codeForImage(ctx, image.value);
      }
      out.push({
        key: 'healthcheck',
        what: `The healthcheck of service '${String(pair.key.value)}'`,
        code,
        env: withImageEnv(composeEnv(service), code?.image),
        commandOverridden: service.get('command') !== undefined || service.get('entrypoint') !== undefined,
        command: service.get('command') !== undefined && service.get('entrypoint') === undefined ? wordsOf(service.get('command', true), undefined) : undefined,
        ...located,
        container: undefined,
        headers: [],
      });
    }
  }
  return out;
}

/** The URL of a compose `test:` (a string or a list), located in the file. */
function urlIn(text: string, test: Node | undefined): Pick<ProbeSite, 'path' | 'port'> | undefined {
  const nodes = isSeq(test) ? test.items : [test];
  for (const node of nodes) {
    if (!isScalar(node) || typeof node.value !== 'string' || !node.range) continue;
    const url = commandUrl(node.value);
    if (!url) continue;
    const source = text.slice(node.range[0], node.range[1]);
    const at = source.indexOf(node.value.slice(url.index, url.index + url.length));
    if (at < 0) return undefined; // escapes in the source: offsets would be wrong
    return locatedUrl(node.range[0] + at, node.value.slice(url.index, url.index + url.length), url);
  }
  return undefined;
}

function locatedUrl(start: number, urlText: string, url: { port: number | undefined; path: string }): Pick<ProbeSite, 'path' | 'port'> {
  const hostEnd = urlText.indexOf('/', urlText.indexOf('//') + 2);
  const pathStart = hostEnd < 0 ? urlText.length : hostEnd;
  const portMatch = /:(\d+)/.exec(urlText.slice(urlText.indexOf('//') + 2, pathStart));
  const portStart = portMatch ? urlText.indexOf('//') + 2 + portMatch.index + 1 : undefined;
  return {
    path: url.path === '/' && hostEnd < 0 ? undefined : { value: url.path, start: start + pathStart, end: start + pathStart + url.path.length },
    port: portStart !== undefined ? { value: String(url.port), start: start + portStart, end: start + portStart + portMatch![1].length, number: url.port, name: undefined } : undefined,
  };
}

function dockerfileSites(ctx: RuleContext): ProbeSite[] {
  const text = ctx.doc.text;
  const lines = text.split('\n');
  let offset = 0;
  let last: { start: number; line: string } | undefined;
  for (const line of lines) {
    if (/^\s*FROM\s/i.test(line)) last = undefined;
    if (/^\s*HEALTHCHECK\s/i.test(line) && !/^\s*HEALTHCHECK\s+NONE\b/i.test(line)) last = { start: offset, line };
    offset += line.length + 1;
  }
  if (!last) return [];
  const url = commandUrl(last.line);
  if (!url) return [];
  const urlText = last.line.slice(url.index, url.index + url.length);
  const image = dockerImageFacts(text);
  const code = codeForContext(ctx, path.posix.dirname(ctx.doc.path), ctx.doc.path);
  return [
    {
      key: 'healthcheck',
      what: 'The HEALTHCHECK',
      code: code && { ...code, image },
      env: withImageEnv(() => undefined, image),
      commandOverridden: false,
      ...locatedUrl(last.start + url.index, urlText, url),
      container: undefined,
      headers: [],
    },
  ];
}

export { getMap };
