// The registry: every rule, one list, sorted by id. Each family keeps its own list in its folder.
import { createRegistry } from './registry';
import { timeoutsRules } from './timeouts';
import { loggingRules } from './logging';
import { shutdownRules } from './shutdown';
import { manifestsRules } from './manifests';
import { callsRules } from './calls';
import { configRules } from './config';
import { healthRules } from './health';

export const registry = createRegistry([...timeoutsRules, ...loggingRules, ...shutdownRules, ...manifestsRules, ...callsRules, ...configRules, ...healthRules]);
