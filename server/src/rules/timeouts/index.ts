import type { Rule } from '../../engine/types';

export const timeoutsRules: Rule[] = [];
