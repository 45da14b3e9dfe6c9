import type { Rule } from '../../engine/types';
import { drainExceedsGracePeriod } from './drain-exceeds-grace-period';
import { probePathNotServed } from './probe-path-not-served';
import { probePortMismatch } from './probe-port-mismatch';

export const healthRules: Rule[] = [drainExceedsGracePeriod, probePathNotServed, probePortMismatch];
