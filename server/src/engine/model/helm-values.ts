// A Helm chart's default values, for the one question the project model asks of a chart template:
// which image does this container run? `image: "{{ .Values.image.repository }}:{{ .Values.image.tag }}"`
// is read with the chart's own `values.yaml` (what `helm install` uses when nothing overrides it), so the
// chart's workloads link to the Dockerfile that builds their image as literal manifests do. Pure: text in.
//
// Only `.Values.<path>` actions are resolved, optionally with `| default "literal"` (or `| quote`); any
// other action (`include`, `.Chart.AppVersion`, a `with` block's relative `.image`) is unknown and stays
// a variable, so a name whose repository part is unknown links nothing.

import { isMap, isScalar, parseDocument, type Node } from 'yaml';

/** The scalar values of a chart's values.yaml by dotted path (`image.repository`), or undefined when it does not parse. */
export function chartValuesOf(text: string): Map<string, string> | undefined {
  let doc;
  try {
    doc = parseDocument(text, { uniqueKeys: false });
  } catch {
    return undefined;
  }
  if (doc.errors.length > 0) return undefined;
  const out = new Map<string, string>();
  const visit = (node: unknown, prefix: string, depth: number): void => {
    if (depth > 8 || out.size > 5000) return;
    if (isMap(node)) {
      for (const pair of node.items) {
        const key = pair.key as Node | null;
        if (!isScalar(key)) continue;
        visit(pair.value, prefix ? `${prefix}.${String(key.value)}` : String(key.value), depth + 1);
      }
    } else if (isScalar(node) && prefix && (typeof node.value === 'string' || typeof node.value === 'number')) {
      // Only short values: an image reference, a tag, a name (not an embedded config file).
      const value = String(node.value);
      if (value.length <= 200 && !value.includes('\n')) out.set(prefix, value);
    }
    // Lists are not indexed into by the actions read here.
  };
  visit(doc.contents, '', 0);
  return out;
}

/** Whether a path is a chart's default values file (`<chart>/values.yaml`). */
export function isChartValuesPath(p: string): boolean {
  return /(?:^|\/)values\.ya?ml$/.test(p);
}

/** The chart folder a template lives in: the folder above the nearest `templates/` (`chart/templates/sub/x.yaml` gives `chart`). */
export function chartDirOf(manifest: string): string | undefined {
  const at = manifest.lastIndexOf('/templates/');
  return at > 0 ? manifest.slice(0, at) : undefined;
}

const ACTION = /\{\{-?\s*(.*?)\s*-?\}\}/g;
const VALUE_PATH = /^\.Values((?:\.[A-Za-z_][\w-]*)+)$/;

/**
 * The image a templated `image:` value names with the chart's default values; actions that cannot be read
 * become `<unknown>` (so a tag from `.Chart.AppVersion` leaves the repository name readable). Undefined when
 * no action could be read at all.
 */
export function resolveChartImage(template: string, values: ReadonlyMap<string, string>): string | undefined {
  let read = false;
  const out = template.replace(ACTION, (_m, body: string) => {
    const chosen = actionValue(body, values);
    if (chosen === undefined || chosen === '') return '<unknown>';
    read = true;
    return chosen;
  });
  return read ? out : undefined;
}

/** `.Values.a.b`, piped through `default "x"`, `quote`, `trim`, `toString` or `lower`; undefined for anything else. */
function actionValue(body: string, values: ReadonlyMap<string, string>): string | undefined {
  const [head, ...pipes] = body.split('|').map((part) => part.trim());
  const ref = VALUE_PATH.exec(head);
  if (!ref) return undefined;
  let value = values.get(ref[1].slice(1));
  for (const pipe of pipes) {
    const fallback = /^default\s+(?:"([^"]*)"|'([^']*)'|(\S+))$/.exec(pipe);
    if (fallback) {
      // A fallback read from elsewhere (`default .Chart.AppVersion`) is unknown, as is one that is not a literal.
      if (value === undefined || value === '') value = fallback[3] === undefined ? (fallback[1] ?? fallback[2]) : /^[\w][\w./:-]*$/.test(fallback[3]) ? fallback[3] : undefined;
    } else if (!/^(?:quote|trim|toString|lower)$/.test(pipe)) return undefined;
  }
  return value;
}
