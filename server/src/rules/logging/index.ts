import type { Rule } from '../../engine/types';
import { consoleLog } from './console-log';
import { interpolatedLogMessage } from './interpolated-log-message';
import { printCall } from './print-call';

export const loggingRules: Rule[] = [consoleLog, interpolatedLogMessage, printCall];
