// Which analyser a file gets: by language id and path first, then a cheap look at the text.
// Nothing here parses; a wrong "no" costs a missed finding, a wrong "yes" only a parse.

import type { DocumentKind } from './types';
import { isMinified } from './minified';

const JS_EXTENSIONS = /\.(?:[cm]?[jt]s|[jt]sx)$/i;
const DECLARATION = /\.d\.[cm]?ts$/i;
const MINIFIED = /[.-]min\.[cm]?js$/i;
/** Python sources; stubs (`.pyi`) hold no code that runs, as `.d.ts` files do not. */
const PYTHON_EXTENSION = /\.py$/i;
const YAML_EXTENSION = /\.ya?ml$/i;
const JSON_EXTENSION = /\.json$/i;

const JS_LANGUAGES = new Set(['typescript', 'typescriptreact', 'javascript', 'javascriptreact']);

export const CONFIG_FILE_NAME = '.prodready.yaml';

export function baseName(path: string): string {
  const slash = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  return path.slice(slash + 1);
}

export function isDockerfileName(name: string): boolean {
  return /^(?:Dockerfile|Containerfile)(?:\..+)?$/i.test(name) || /\.(?:dockerfile|containerfile)$/i.test(name);
}

export function isComposeName(name: string): boolean {
  return /^(?:docker-)?compose(?:[.-][\w.-]+)?\.ya?ml$/i.test(name);
}

/** A file under a Helm chart's `templates/` folder, or any YAML holding template actions. */
export function isHelmTemplate(path: string, text: string): boolean {
  return (/(^|[\\/])templates[\\/]/.test(path) && text.includes('{{')) || /\{\{-?\s*[-.$a-zA-Z/(]/.test(text);
}

const K8S_SNIFF = /^[ \t-]*apiVersion[ \t]*:/m;
const K8S_KIND = /^[ \t-]*kind[ \t]*:/m;
const COMPOSE_SNIFF = /^services[ \t]*:[ \t]*(?:#.*)?$/m;
/** A CloudFormation resource of type `AWS::ECS::TaskDefinition`, written in block style. */
const CFN_TASK_DEFINITION = /^[ \t]+Type[ \t]*:[ \t]*(['"]?)AWS::ECS::TaskDefinition\1[ \t]*(?:#.*)?$/m;
const CFN_TEMPLATE = /^AWSTemplateFormatVersion[ \t]*:/m;

/**
 * A CloudFormation template in YAML that declares an ECS task definition (the `ecs` kind, read as
 * YAML). A template with no task definition is left alone: there is nothing in it for the ECS rules.
 */
export function isCloudFormationEcsYaml(text: string): boolean {
  if (!text.includes('AWS::ECS::TaskDefinition')) return false;
  return CFN_TASK_DEFINITION.test(text) || CFN_TEMPLATE.test(text);
}

/** Whether a file of the `ecs` kind is YAML (a CloudFormation template) rather than JSON. */
export function isYamlPath(path: string): boolean {
  return YAML_EXTENSION.test(baseName(path));
}
const COMPOSE_SERVICE_ENTRY = /^[ \t]+(?:image|build)[ \t]*:/m;

/** Whether a file's name alone could make it one of the kinds prodready reads (its text decides the rest). */
export function mayClassify(path: string): boolean {
  const name = baseName(path);
  if (isDockerfileName(name)) return true;
  if (JS_EXTENSIONS.test(name)) return !DECLARATION.test(name) && !MINIFIED.test(name);
  if (PYTHON_EXTENSION.test(name)) return true;
  return YAML_EXTENSION.test(name) || JSON_EXTENSION.test(name);
}

/**
 * The analyser for a file, or undefined when prodready has nothing to say about it.
 * `languageId` is the editor's, when there is one.
 */
export function classify(path: string, text: string, languageId?: string): DocumentKind | undefined {
  const name = baseName(path);
  if (languageId === 'dockerfile' || isDockerfileName(name)) return 'dockerfile';

  if ((languageId && JS_LANGUAGES.has(languageId)) || JS_EXTENSIONS.test(name)) {
    if (DECLARATION.test(name) || MINIFIED.test(name) || isMinified(text)) return undefined;
    return 'js';
  }

  if (languageId === 'python' || PYTHON_EXTENSION.test(name)) return 'python';

  if (languageId === 'dockercompose') return 'compose';
  if (languageId === 'yaml' || YAML_EXTENSION.test(name)) {
    if (name === CONFIG_FILE_NAME) return undefined;
    if (isComposeName(name)) return 'compose';
    // Only by extension: an `ecs` document is read as YAML exactly when its path says so.
    if (YAML_EXTENSION.test(name) && isCloudFormationEcsYaml(text)) return 'ecs';
    if (K8S_SNIFF.test(text) && K8S_KIND.test(text)) return 'kubernetes';
    if (COMPOSE_SNIFF.test(text) && COMPOSE_SERVICE_ENTRY.test(text)) return 'compose';
    return undefined;
  }

  if (languageId === 'json' || languageId === 'jsonc' || JSON_EXTENSION.test(name)) {
    if (text.includes('"containerDefinitions"') || text.includes('"ContainerDefinitions"')) return 'ecs';
    return undefined;
  }
  return undefined;
}
