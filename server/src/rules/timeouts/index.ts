import type { Rule } from '../../engine/types';
import { httpCallWithoutTimeout } from './http-call-without-timeout';

export const timeoutsRules: Rule[] = [httpCallWithoutTimeout];
