import type { Rule } from '../../engine/types';
import { dockerfileMissingHealthcheck } from './dockerfile-missing-healthcheck';

export const manifestsRules: Rule[] = [dockerfileMissingHealthcheck];
