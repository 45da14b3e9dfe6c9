import type { Rule } from '../../engine/types';
import { awsSdkClientWithoutTimeout } from './aws-sdk-client-without-timeout';
import { datastoreClientWithoutTimeout } from './datastore-client-without-timeout';
import { grpcCallWithoutDeadline } from './grpc-call-without-deadline';
import { retryWithoutBackoff } from './retry-without-backoff';
import { retryWithoutLimit } from './retry-without-limit';

export const callsRules: Rule[] = [awsSdkClientWithoutTimeout, datastoreClientWithoutTimeout, grpcCallWithoutDeadline, retryWithoutBackoff, retryWithoutLimit];
