import type { Rule } from '../../engine/types';
import { consoleLog } from './console-log';
import { interpolatedLogMessage } from './interpolated-log-message';

export const loggingRules: Rule[] = [consoleLog, interpolatedLogMessage];
