import type { Rule } from '../../engine/types';

export const shutdownRules: Rule[] = [];
