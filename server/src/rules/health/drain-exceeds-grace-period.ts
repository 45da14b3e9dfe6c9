import { isMap, isScalar, isSeq, type Document, type Node, type Pair, type YAMLMap } from 'yaml';
import * as path from 'node:path';
import type { Fix, RelatedLocation, Rule, RuleContext, RuleFinding } from '../../engine/types';
import { builtDockerfile } from '../../engine/model/compose-links';
import { commandDrainSeconds, contextOf } from '../../engine/model/service-links';
import { containers, type Container } from '../manifests/k8s';
import { addToMap, getMap, getPair, getString, getValue, indentStep, resolve, valueAction, valueFromTemplate, type YamlScope } from '../manifests/yaml-tools';
import { gunicornDefaultDrain } from '../../engine/model/python-service-facts';
import { codeForContext, codeForImage, podSpecOf, pythonOf, type LinkedCode } from './links';

/** Seconds of a drain, and where it is decided. */
interface Drain {
  seconds: number;
  what: string;
  related: RelatedLocation | undefined;
  /** A server's own default (gunicorn's 30 s), not a bound anyone wrote: judged only against a grace period someone did write, and only when it is exceeded. */
  assumed?: boolean;
}

/** The drain bound of what a container runs: its own command's app-server flag, else the image's, else the code's SIGTERM timer. */
function drainOf(ctx: RuleContext, command: string, overridden: boolean, code: LinkedCode | undefined): Drain | undefined {
  const own = commandDrainSeconds(command);
  if (own) return { seconds: own.seconds, what: `its command's \`${own.flag} ${own.seconds}\``, related: undefined };
  if (overridden && code && pythonOf(code.service)) {
    const seconds = gunicornDefaultDrain(command, pythonOf(code.service)!.gunicornConfig);
    return seconds === undefined ? undefined : { seconds, what: `gunicorn's default \`--graceful-timeout\` of ${seconds} s, which its command leaves as it is`, related: undefined, assumed: true };
  }
  if (overridden || !code) return undefined;
  const fromImage = commandDrainSeconds(code.image?.command);
  if (fromImage) {
    return {
      seconds: fromImage.seconds,
      what: `the image's \`${fromImage.flag} ${fromImage.seconds}\``,
      related: code.image?.commandLine ? { path: code.dockerfile, line: code.image.commandLine, message: `The image's command sets ${fromImage.flag} ${fromImage.seconds}` } : undefined,
    };
  }
  const python = pythonOf(code.service);
  if (python) {
    const seconds = gunicornDefaultDrain(overridden ? command : code.image?.command, python.gunicornConfig);
    if (seconds === undefined) return undefined;
    return {
      seconds,
      what: `gunicorn's default \`--graceful-timeout\` of ${seconds} s, which ${overridden ? 'its command' : "the image's command"} leaves as it is`,
      related: !overridden && code.image?.commandLine ? { path: code.dockerfile, line: code.image.commandLine, message: `The image runs gunicorn with its default graceful timeout (${seconds} s)` } : undefined,
      assumed: true,
    };
  }
  const timers = code.service.drains;
  if (timers.length === 0) return undefined;
  const longest = timers.reduce((a, b) => (b.ms > a.ms ? b : a));
  const seconds = longest.ms / 1000;
  return {
    seconds,
    what: `its SIGTERM handler's exit timer (${seconds} s, ${ctx.workspace.relativePath(longest.file)}:${longest.line})`,
    related: { path: longest.file, line: longest.line, column: longest.column, message: `The SIGTERM handler force-exits after ${seconds} s here` },
  };
}

function words(scope: YamlScope, map: YAMLMap, key: string): string {
  const node = resolve(getValue(map, key, scope), scope);
  return isSeq(node) ? node.items.map((i) => (isScalar(i) ? String(i.value) : '')).join(' ') : isScalar(node) ? String(node.value ?? '') : '';
}

/** The seconds a preStop hook sleeps (`sleep: {seconds: N}`, an exec `sleep N`), 0 when none or unknown. */
function preStopSeconds(c: Container): number {
  const preStop = getMap(getMap(c.map, 'lifecycle', c.scope), 'preStop', c.scope);
  if (!preStop) return 0;
  const sleep = getString(getMap(preStop, 'sleep', c.scope), 'seconds', c.scope);
  if (sleep && /^\d+$/.test(sleep)) return Number(sleep);
  const exec = getMap(preStop, 'exec', c.scope);
  const command = exec ? words(c.scope, exec, 'command') : '';
  const m = /\bsleep\s+(\d+(?:\.\d+)?)\b/.exec(command);
  return m ? Number(m[1]) : 0;
}

function k8sCheck(ctx: RuleContext): RuleFinding[] {
  const out: RuleFinding[] = [];
  for (const c of containers(ctx.doc)) {
    if (c.unknown || c.workload.batch || c.notService) continue;
    const overridden = getPair(c.map, 'command', c.scope) !== undefined || getPair(c.map, 'args', c.scope) !== undefined;
    const command = `${words(c.scope, c.map, 'command')} ${words(c.scope, c.map, 'args')}`.trim();
    const drain = drainOf(ctx, command, overridden, codeForImage(ctx, getString(c.map, 'image', c.scope)));
    if (!drain) continue;
    const spec = podSpecOf(c);
    if (!spec) continue;
    const gracePair = getPair(spec, 'terminationGracePeriodSeconds', c.scope);
    let grace = 30;
    if (gracePair) {
      if (valueAction(c.scope, gracePair) !== undefined || valueFromTemplate(c.scope, gracePair)) continue;
      const value = gracePair.value as Node | null;
      if (!isScalar(value) || !/^\d+$/.test(String(value.value))) continue;
      grace = Number(value.value);
    }
    const preStop = preStopSeconds(c);
    if (drain.seconds + preStop < grace) continue;
    if (drain.assumed && (!gracePair || drain.seconds + preStop <= grace)) continue;
    const value = gracePair?.value as Node | null | undefined;
    const [start, end] = value?.range ? [value.range[0], value.range[1]] : c.anchor;
    const needed = Math.ceil(drain.seconds + preStop + 5);
    out.push({
      start,
      end,
      message: `Container '${c.name ?? '?'}' drains for up to ${drain.seconds} s (${drain.what})${preStop > 0 ? ` after a ${preStop} s preStop sleep` : ''}, but the pod is killed ${grace} s after termination starts (terminationGracePeriodSeconds ${gracePair ? grace : 'unset: 30'}): ${killed(grace, preStop)}`,
      data: { needed },
      related: drain.related ? [drain.related] : undefined,
    });
  }
  return out;
}

/** Compose's `stop_grace_period` (`1m30s`, `45s`, `500ms`) in seconds; undefined when it cannot be read. */
export function durationSeconds(text: string): number | undefined {
  const m = /^\s*(?:(\d+(?:\.\d+)?)h)?(?:(\d+(?:\.\d+)?)m(?!s))?(?:(\d+(?:\.\d+)?)s)?(?:(\d+(?:\.\d+)?)ms)?(?:(\d+(?:\.\d+)?)us)?\s*$/.exec(text);
  if (!m || !m.slice(1).some(Boolean)) return /^\d+$/.test(text.trim()) ? Number(text) : undefined;
  return Number(m[1] ?? 0) * 3600 + Number(m[2] ?? 0) * 60 + Number(m[3] ?? 0) + Number(m[4] ?? 0) / 1000;
}

function composeCheck(ctx: RuleContext): RuleFinding[] {
  const out: RuleFinding[] = [];
  const dir = path.posix.dirname(ctx.doc.path);
  for (const document of ctx.doc.yaml.documents) {
    if (document.errors.length > 0) continue;
    const services = isMap(document.contents) ? (document.contents.get('services', true) as Node | undefined) : undefined;
    if (!isMap(services)) continue;
    for (const pair of services.items) {
      if (!isScalar(pair.key) || !isMap(pair.value)) continue;
      const service = pair.value as YAMLMap;
      const commandNode = (service.get('command', true) ?? service.get('entrypoint', true)) as Node | undefined;
      const command = isSeq(commandNode) ? commandNode.items.map((i) => (isScalar(i) ? String(i.value) : '')).join(' ') : isScalar(commandNode) ? String(commandNode.value ?? '') : '';
      const build = service.get('build', true) as Node | undefined;
      const built = build !== undefined ? builtDockerfile(dir, build) : undefined;
      const code = built ? codeForContext(ctx, contextOf(dir, build), built.dockerfile) : undefined;
      const drain = drainOf(ctx, command, commandNode !== undefined, code);
      if (!drain) continue;
      const gracePair = service.items.find((p) => isScalar(p.key) && p.key.value === 'stop_grace_period') as Pair<Node, Node> | undefined;
      let grace = 10;
      if (gracePair) {
        const v = gracePair.value;
        const seconds = isScalar(v) ? durationSeconds(String(v.value)) : undefined;
        if (seconds === undefined) continue;
        grace = seconds;
      }
      if (drain.seconds < grace) continue;
      if (drain.assumed && (!gracePair || drain.seconds <= grace)) continue;
      const anchor = (gracePair?.value ?? pair.key) as Node;
      if (!anchor.range) continue;
      out.push({
        start: anchor.range[0],
        end: anchor.range[1],
        message: `Service '${String(pair.key.value)}' drains for up to ${drain.seconds} s (${drain.what}), but compose kills it ${grace} s after \`docker compose stop\` or a redeploy sends SIGTERM (stop_grace_period ${gracePair ? String((gracePair.value as { value?: unknown }).value) : 'unset: 10s'}): SIGKILL lands mid-drain.`,
        data: { needed: Math.ceil(drain.seconds + 5), compose: String(pair.key.value) },
        related: drain.related ? [drain.related] : undefined,
      });
    }
  }
  return out;
}

function check(ctx: RuleContext): RuleFinding[] {
  return ctx.doc.kind === 'kubernetes' ? k8sCheck(ctx) : ctx.doc.kind === 'compose' ? composeCheck(ctx) : [];
}

function fixes(finding: RuleFinding, ctx: RuleContext): Fix[] {
  const data = finding.data as { needed?: number; compose?: string } | undefined;
  if (!data?.needed) return [];
  const { text } = ctx.doc;
  if (data.compose !== undefined) {
    const title = `Set stop_grace_period to ${data.needed}s (the drain plus 5 s)`;
    const current = text.slice(finding.start, finding.end);
    if (current !== data.compose) return [{ title, safe: true, edits: [{ start: finding.start, end: finding.end, newText: `${data.needed}s` }] }];
    for (const document of ctx.doc.yaml.documents) {
      const services = isMap(document.contents) ? (document.contents.get('services', true) as Node | undefined) : undefined;
      if (!isMap(services)) continue;
      for (const pair of services.items) {
        if (!isScalar(pair.key) || pair.key.range?.[0] !== finding.start || !isMap(pair.value)) continue;
        const scope: YamlScope = { doc: ctx.doc, document: document as Document.Parsed };
        const edits = addToMap(scope, pair.value as YAMLMap, [['stop_grace_period', `${data.needed}s`]], indentStep(scope));
        return edits ? [{ title, safe: true, edits }] : [];
      }
    }
    return [];
  }
  const title = `Set terminationGracePeriodSeconds to ${data.needed} (the drain and preStop plus 5 s)`;
  if (/^\d+$/.test(text.slice(finding.start, finding.end))) return [{ title, safe: true, edits: [{ start: finding.start, end: finding.end, newText: String(data.needed) }] }];
  const c = containers(ctx.doc).find((x) => x.anchor[0] === finding.start);
  const spec = c && podSpecOf(c);
  if (!c || !spec) return [];
  const edits = addToMap(c.scope, spec, [['terminationGracePeriodSeconds', String(data.needed)]], indentStep(c.scope));
  return edits ? [{ title, safe: true, edits }] : [];
}

export const drainExceedsGracePeriod: Rule = {
  id: 'drain-exceeds-grace-period',
  family: 'health',
  kinds: ['kubernetes', 'compose'],
  roles: ['service'],
  defaultSeverity: 'warning',
  fix: 'safe',
  summary: "The app's shutdown drain (plus any preStop sleep) is not shorter than the orchestrator's kill deadline.",
  docs: {
    whatItDoes:
      'Compares the app\'s drain bound with the time the orchestrator gives it after SIGTERM. The drain bound is what the command spells out (uvicorn `--timeout-graceful-shutdown N`, gunicorn `--graceful-timeout N`, in the container\'s `command`/`args`, the compose `command`, or the CMD of the image it builds), else the timer of the app\'s SIGTERM handler: a `setTimeout(() => process.exit(...), N)` inside `process.on(\'SIGTERM\', ...)` (or in a function of the same file it calls), in the package that the image\'s Dockerfile builds. Kubernetes: the bound plus the container\'s `preStop` sleep (`sleep: {seconds}` or an exec `sleep N`) against the pod\'s `terminationGracePeriodSeconds` (default 30). Compose: the bound against the service\'s `stop_grace_period` (default 10 s). "Not below" counts: equal is a finding, since the kill and the drain\'s end then race. A templated grace period, a drain with no timer, an image built elsewhere: unknown, no finding. gunicorn\'s own default graceful timeout (30 s, https://docs.gunicorn.org/en/stable/settings.html#graceful-timeout) counts for a Python service whose command runs gunicorn without `--graceful-timeout` or a configuration file, but only against a grace period someone wrote and only when the drain (plus preStop) exceeds it: 30 s against the unset default of 30 s is nobody\'s choice on either side and is not judged. The finding sits on `terminationGracePeriodSeconds` / `stop_grace_period`, or the container\'s name / the service\'s key when unset, and points at the timer.',
    whyItMatters:
      'Checklist: "Graceful shutdown", "Zero-downtime deployments". The grace period starts when termination starts; the preStop hook runs inside it and SIGTERM comes after. An app that may take 45 s to finish its requests under a 30 s grace period is SIGKILLed mid-drain on every rollout: in-flight requests fail and work in progress is lost, exactly what the drain was written to prevent.',
    example: {
      path: 'deploy/api.yaml',
      code: 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  template:\n    spec:\n      containers:\n        - name: api\n          image: ghcr.io/acme/api:1.0.0\n          command: ["uvicorn", "app.main:app", "--host", "0.0.0.0", "--timeout-graceful-shutdown", "30"]\n          lifecycle:\n            preStop:\n              sleep:\n                seconds: 5\n',
    },
    useInstead: {
      path: 'deploy/api.yaml',
      code: 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  template:\n    spec:\n      terminationGracePeriodSeconds: 40\n      containers:\n        - name: api\n          image: ghcr.io/acme/api:1.0.0\n          command: ["uvicorn", "app.main:app", "--host", "0.0.0.0", "--timeout-graceful-shutdown", "30"]\n          lifecycle:\n            preStop:\n              sleep:\n                seconds: 5\n',
    },
    fixSafety:
      'Safe: raises `terminationGracePeriodSeconds` (or compose `stop_grace_period`) to the drain plus the preStop sleep plus 5 s, replacing the value or adding the key to the pod spec / service. A longer grace period only lets a pod that is already stopping finish; a pod that exits sooner is not held back.',
    references: [
      'https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle/#pod-termination',
      'https://docs.docker.com/reference/compose-file/services/#stop_grace_period',
      'https://www.uvicorn.org/settings/#timeouts',
      'https://docs.gunicorn.org/en/stable/settings.html#graceful-timeout',
    ],
  },
  check,
  fixes,
};

/**
 * What the kill deadline does to the drain. The drain bound is an upper bound (a request may finish
 * sooner), so the deadline cuts what is still running then; a preStop sleep that takes the whole grace
 * period leaves the app only the kubelet's one-off 2 s extension after SIGTERM.
 */
function killed(grace: number, preStop: number): string {
  if (preStop >= grace) return "the preStop sleep takes the whole grace period, so the app gets SIGTERM only in the kubelet's 2 s extension and SIGKILL lands mid-drain.";
  return `SIGKILL lands mid-drain whenever requests are still running ${grace - preStop} s after SIGTERM.`;
}
