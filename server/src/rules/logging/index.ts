import type { Rule } from '../../engine/types';

export const loggingRules: Rule[] = [];
