import type { Rule } from '../../engine/types';
import { missingSigtermHandler } from './missing-sigterm-handler';

export const shutdownRules: Rule[] = [missingSigtermHandler];
