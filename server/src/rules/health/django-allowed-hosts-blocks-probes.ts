import type { Rule, RuleContext, RuleFinding } from '../../engine/types';
import { isAppServerCommand, type DjangoSettingsFacts, type PythonServiceExtras } from '../../engine/model/python-service-facts';
import { pythonOf } from './links';
import { probeSites } from './sites';

type Settings = PythonServiceExtras['settings'][number];

/**
 * Middleware that never answers a request before `CommonMiddleware` validates the Host (Django's own,
 * and the common third-party ones that only add headers or serve static files). Any other entry before
 * it may be a health-check middleware that answers the probe first: unknown.
 */
const PASSIVE_MIDDLEWARE = /^(?:django\.|corsheaders\.|whitenoise\.|django_prometheus\.middleware\.PrometheusBeforeMiddleware$|csp\.|debug_toolbar\.|silk\.|simple_history\.|django_structlog\.|request_id\.|log_request_id\.|allauth\.|axes\.|csp\.|django_otp\.|social_django\.)/;

const COMMON = 'django.middleware.common.CommonMiddleware';

/** The settings module a container runs: its `DJANGO_SETTINGS_MODULE`, else the one default the package's entry points set, else the package's only settings module. */
function settingsModule(python: PythonServiceExtras, env: string | 'unknown' | undefined): Settings | undefined {
  if (env === 'unknown') return undefined;
  const withHosts = python.settings.filter((s) => s.allowedHosts || s.allowedHostsChanged);
  let name = env;
  if (name === undefined) {
    if (python.settingsDefaults.length > 1) return undefined;
    name = python.settingsDefaults[0];
  }
  if (name === undefined) return withHosts.length === 1 && python.settings.length === 1 ? withHosts[0] : undefined;
  const found = python.settings.filter((s) => s.module === name || s.module.endsWith(`.${name}`));
  return found.length === 1 ? found[0] : undefined;
}

/** A settings module with the modules it star-imports resolved (one level): the value of one setting, or unknown (null). */
function effective<K extends 'allowedHosts' | 'middleware'>(python: PythonServiceExtras, start: Settings, key: K): { value: NonNullable<DjangoSettingsFacts[K]>; from: Settings } | null {
  if (start.allowedHostsChanged && key === 'allowedHosts') return null;
  if (start.starImports.includes('?')) return null;
  const own = start[key];
  const sources: Settings[] = [];
  for (const imported of start.starImports) {
    let dotted = imported;
    if (imported.startsWith('.')) {
      const level = /^\.+/.exec(imported)![0].length;
      const parts = start.module.split('.');
      dotted = [...parts.slice(0, parts.length - level), imported.slice(level)].filter(Boolean).join('.');
    }
    const found = python.settings.filter((s) => s.module === dotted || s.module.endsWith(`.${dotted}`) || dotted.endsWith(`.${s.module}`));
    if (found.length > 1) return null;
    if (found.length === 1) sources.push(found[0]);
  }
  // A star-imported module that sets it too, or changes it: which one wins depends on order we do not read.
  if (sources.some((s) => s[key] !== undefined || (key === 'allowedHosts' && s.allowedHostsChanged) || s.starImports.includes('?'))) {
    if (own !== undefined || sources.filter((s) => s[key] !== undefined).length !== 1) return null;
    const from = sources.find((s) => s[key] !== undefined)!;
    if (from.allowedHostsChanged && key === 'allowedHosts') return null;
    if (from.starImports.length > 0) return null;
    return { value: from[key] as NonNullable<DjangoSettingsFacts[K]>, from };
  }
  if (own === undefined || own === null) return null;
  return { value: own as NonNullable<DjangoSettingsFacts[K]>, from: start };
}

/** Whether a literal ALLOWED_HOSTS can admit a Host that is the pod's IP: `*`, or an IP-looking entry (which one is not known). */
function admitsPodIp(hosts: string[]): boolean {
  return hosts.some((h) => h === '*' || /^[\d.:[\]/]+$/.test(h) || h.includes('*'));
}

function check(ctx: RuleContext): RuleFinding[] {
  if (ctx.doc.kind !== 'kubernetes') return [];
  const out: RuleFinding[] = [];
  for (const site of probeSites(ctx)) {
    if (!site.path || !site.container || !site.code) continue;
    if (site.headers.includes('host')) continue;
    const python = pythonOf(site.code.service);
    if (!python || python.settings.length === 0) continue;
    if (site.commandOverridden && !isAppServerCommand(site.command)) continue;
    const module = settingsModule(python, site.env('DJANGO_SETTINGS_MODULE'));
    if (!module) continue;
    const hosts = effective(python, module, 'allowedHosts');
    if (!hosts || hosts.value.hosts === null || admitsPodIp(hosts.value.hosts)) continue;
    const middleware = effective(python, module, 'middleware');
    if (!middleware || middleware.value === null) continue;
    const list = middleware.value as string[];
    const common = list.indexOf(COMMON);
    // Without CommonMiddleware nothing validates the Host of a plain GET; a middleware before it may answer the probe itself.
    if (common < 0 || list.slice(0, common).some((m) => !PASSIVE_MIDDLEWARE.test(m))) continue;
    const shown = hosts.value.hosts.length === 0 ? '[]' : `[${hosts.value.hosts.map((h) => `'${h}'`).join(', ')}]`;
    const settingsFile = ctx.workspace.relativePath(hosts.from.file);
    out.push({
      start: site.path.start,
      end: site.path.end,
      message: `${site.what} sends the pod's IP as its Host header, which the Django app's ALLOWED_HOSTS ${shown} (${settingsFile}:${hosts.value.line}) does not admit: CommonMiddleware answers every probe with 400 (DisallowedHost) and the ${site.key === 'readinessProbe' ? 'pod never receives traffic' : 'pod is restarted over and over'}. Send a Host header the app admits (\`httpHeaders: [{ name: Host, value: ... }]\`) or answer the probe in a middleware ahead of CommonMiddleware.`,
      related: [{ path: hosts.from.file, line: hosts.value.line, column: hosts.value.column, message: `ALLOWED_HOSTS is ${shown} here` }],
    });
  }
  return out;
}

export const djangoAllowedHostsBlocksProbes: Rule = {
  id: 'django-allowed-hosts-blocks-probes',
  family: 'health',
  kinds: ['kubernetes'],
  roles: ['service'],
  defaultSeverity: 'error',
  fix: 'none',
  summary: "A Kubernetes httpGet probe of a Django app whose ALLOWED_HOSTS does not admit the pod's IP gets 400.",
  docs: {
    whatItDoes:
      'Follows a Kubernetes `httpGet` probe to the Python package its image builds (as `probe-path-not-served` does) and, when that package is a Django project, reads the settings module the container runs: its `DJANGO_SETTINGS_MODULE` (the container\'s `env`, else the image\'s `ENV`), else the one `os.environ.setdefault("DJANGO_SETTINGS_MODULE", ...)` of the package\'s entry points, else its only settings module; settings split with `from .base import *` are followed one level. It flags the probe when that module\'s `ALLOWED_HOSTS` is a literal list with no `*` and no IP-looking entry, `MIDDLEWARE` is a literal list holding `django.middleware.common.CommonMiddleware` (which validates the Host of every request), no middleware ahead of it could answer the probe itself (only Django\'s own and passive third-party ones such as corsheaders and whitenoise are ahead of it), and the probe sends no `Host` header. Unknown means no finding: `ALLOWED_HOSTS` read from the environment or changed after it is assigned (`+=`, `.append`, a second assignment, one inside an `if`), a `try: from .local import *`, several settings modules and no way to tell which one runs, a templated probe path, an image built elsewhere.',
    whyItMatters:
      'Checklist: "Health check endpoint", "Liveness probe configured". The kubelet sends `Host: <pod IP>:<port>`. Django\'s CommonMiddleware calls `request.get_host()` on every request and answers 400 when the host is not in `ALLOWED_HOSTS`, so a Django app that lists only its public name fails every probe: the liveness probe restarts the pod in a loop, the readiness probe keeps it out of every Service, while the app works fine behind the ingress.',
    example: {
      path: 'deploy/web.yaml',
      code: 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n        - name: web\n          image: ghcr.io/acme/web:1.0.0\n          livenessProbe:\n            httpGet:\n              path: /healthz/\n              port: 8000\n',
      alongside: [
        { path: 'web/requirements.txt', code: 'django==5.0\ngunicorn==22.0\n' },
        { path: 'web/Dockerfile', code: 'FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nCMD ["gunicorn", "config.wsgi", "--bind", "0.0.0.0:8000"]\n' },
        { path: 'web/config/settings.py', code: 'ROOT_URLCONF = "config.urls"\nALLOWED_HOSTS = ["shop.example.com"]\nMIDDLEWARE = [\n    "django.middleware.security.SecurityMiddleware",\n    "django.middleware.common.CommonMiddleware",\n]\n' },
        { path: 'web/config/urls.py', code: 'from django.http import HttpResponse\nfrom django.urls import path\n\nurlpatterns = [path("healthz/", lambda request: HttpResponse("ok"))]\n' },
      ],
    },
    useInstead: {
      path: 'deploy/web.yaml',
      code: 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n        - name: web\n          image: ghcr.io/acme/web:1.0.0\n          livenessProbe:\n            httpGet:\n              path: /healthz/\n              port: 8000\n              httpHeaders:\n                - name: Host\n                  value: shop.example.com\n',
      alongside: [
        { path: 'web/requirements.txt', code: 'django==5.0\ngunicorn==22.0\n' },
        { path: 'web/Dockerfile', code: 'FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nCMD ["gunicorn", "config.wsgi", "--bind", "0.0.0.0:8000"]\n' },
        { path: 'web/config/settings.py', code: 'ROOT_URLCONF = "config.urls"\nALLOWED_HOSTS = ["shop.example.com"]\nMIDDLEWARE = [\n    "django.middleware.security.SecurityMiddleware",\n    "django.middleware.common.CommonMiddleware",\n]\n' },
        { path: 'web/config/urls.py', code: 'from django.http import HttpResponse\nfrom django.urls import path\n\nurlpatterns = [path("healthz/", lambda request: HttpResponse("ok"))]\n' },
      ],
    },
    fixSafety:
      'No fix: which Host the probe should send (the public name, a cluster-internal one) or whether the app should answer health checks in a middleware ahead of CommonMiddleware is a decision about the deployment.',
    references: [
      'https://docs.djangoproject.com/en/stable/ref/settings/#allowed-hosts',
      'https://docs.djangoproject.com/en/stable/ref/middleware/#module-django.middleware.common',
      'https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/#http-probes',
    ],
  },
  check,
};
