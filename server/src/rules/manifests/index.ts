import type { Rule } from '../../engine/types';
import { composeMissingHealthcheck } from './compose-missing-healthcheck';
import { dockerfileMissingHealthcheck } from './dockerfile-missing-healthcheck';
import { ecsMissingHealthCheck } from './ecs-missing-health-check';
import { ecsMissingStopTimeout } from './ecs-missing-stop-timeout';
import { missingLivenessProbe } from './missing-liveness-probe';
import { missingReadinessProbe } from './missing-readiness-probe';
import { missingResourceLimits } from './missing-resource-limits';

export const manifestsRules: Rule[] = [
  composeMissingHealthcheck,
  dockerfileMissingHealthcheck,
  ecsMissingHealthCheck,
  ecsMissingStopTimeout,
  missingLivenessProbe,
  missingReadinessProbe,
  missingResourceLimits,
];
