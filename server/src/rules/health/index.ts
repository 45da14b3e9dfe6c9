import type { Rule } from '../../engine/types';
import { probePathNotServed } from './probe-path-not-served';

export const healthRules: Rule[] = [probePathNotServed];
