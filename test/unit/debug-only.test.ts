// What `print-call` and `console-log` read as a debug flag (rules/logging/debug-only.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isDebugName } from '../../server/src/rules/logging/debug-only';

test('debug flags by their words; other names are not', () => {
  for (const name of ['DEBUG', 'debug', 'TANDOOR_PROVIDER_DEBUG', 'isDebug', 'debugMode', 'VERBOSE', 'verbosity', 'ENABLE_LOGGING', 'enableLogging', 'trace', 'SQL_DEBUG']) {
    assert.equal(isDebugName(name), true, name);
  }
  for (const name of ['debugger', 'DEBUGGER_PORT', 'tracer', 'traceId', 'logging', 'LOG_LEVEL', 'enabled', 'verbs', 'isDebounced']) {
    assert.equal(isDebugName(name), false, name);
  }
});
