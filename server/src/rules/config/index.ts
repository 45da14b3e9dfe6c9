import type { Rule } from '../../engine/types';
import { hardcodedCredential } from './hardcoded-credential';
import { hardcodedServiceUrl } from './hardcoded-service-url';

export const configRules: Rule[] = [hardcodedCredential, hardcodedServiceUrl];
