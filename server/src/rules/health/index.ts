import type { Rule } from '../../engine/types';
import { djangoAllowedHostsBlocksProbes } from './django-allowed-hosts-blocks-probes';
import { drainExceedsGracePeriod } from './drain-exceeds-grace-period';
import { livenessChecksDependencies } from './liveness-checks-dependencies';
import { missingHealthEndpoint } from './missing-health-endpoint';
import { probePathNotServed } from './probe-path-not-served';
import { probePortMismatch } from './probe-port-mismatch';
import { readinessChecksNothing } from './readiness-checks-nothing';

export const healthRules: Rule[] = [djangoAllowedHostsBlocksProbes, drainExceedsGracePeriod, livenessChecksDependencies, missingHealthEndpoint, probePathNotServed, probePortMismatch, readinessChecksNothing];
