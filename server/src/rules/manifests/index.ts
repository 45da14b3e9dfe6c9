import type { Rule } from '../../engine/types';
import { composeMissingHealthcheck } from './compose-missing-healthcheck';
import { dockerfileMissingHealthcheck } from './dockerfile-missing-healthcheck';
import { ecsMissingHealthCheck } from './ecs-missing-health-check';
import { ecsMissingStopTimeout } from './ecs-missing-stop-timeout';
import { missingLivenessProbe } from './missing-liveness-probe';
import { missingPodDisruptionBudget } from './missing-pod-disruption-budget';
import { missingPrestopHook } from './missing-prestop-hook';
import { missingReadinessProbe } from './missing-readiness-probe';
import { missingResourceLimits } from './missing-resource-limits';
import { mutableImageTag } from './mutable-image-tag';
import { rolloutDropsCapacity } from './rollout-drops-capacity';
import { signalNotForwarded } from './signal-not-forwarded';
import { singleReplica } from './single-replica';

export const manifestsRules: Rule[] = [
  composeMissingHealthcheck,
  dockerfileMissingHealthcheck,
  ecsMissingHealthCheck,
  ecsMissingStopTimeout,
  missingLivenessProbe,
  missingPodDisruptionBudget,
  missingPrestopHook,
  missingReadinessProbe,
  missingResourceLimits,
  mutableImageTag,
  rolloutDropsCapacity,
  signalNotForwarded,
  singleReplica,
];
