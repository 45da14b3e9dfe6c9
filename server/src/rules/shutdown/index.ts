import type { Rule } from '../../engine/types';
import { missingSigtermHandler } from './missing-sigterm-handler';
import { sigtermHandlerOverridesServer } from './sigterm-handler-overrides-server';

export const shutdownRules: Rule[] = [missingSigtermHandler, sigtermHandlerOverridesServer];
