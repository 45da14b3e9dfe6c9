// What `print-call` and `console-log` read as a debug flag (rules/logging/debug-only.ts), and which flags print-call counts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isDebugName, pythonFlagsOff } from '../../server/src/rules/logging/debug-only';

test('debug flags by their words; other names are not', () => {
  for (const name of ['DEBUG', 'debug', 'TANDOOR_PROVIDER_DEBUG', 'isDebug', 'debugMode', 'VERBOSE', 'verbosity', 'ENABLE_LOGGING', 'enableLogging', 'trace', 'SQL_DEBUG']) {
    assert.equal(isDebugName(name), true, name);
  }
  for (const name of ['debugger', 'DEBUGGER_PORT', 'tracer', 'traceId', 'logging', 'LOG_LEVEL', 'enabled', 'verbs', 'isDebounced']) {
    assert.equal(isDebugName(name), false, name);
  }
});

test('print-call counts only the flags a module hard-codes off: one assignment, to False or 0', () => {
  const off = pythonFlagsOff('DEBUG = False\nVERBOSE = 0  # quiet\nTRACE = False\nTRACE = True\nAPP_DEBUG = os.getenv("APP_DEBUG")\nclass P:\n    verbose: bool = False\n');
  assert.equal(off('DEBUG'), true);
  assert.equal(off('VERBOSE'), true);
  assert.equal(off('verbose'), true);
  assert.equal(off('TRACE'), false, 'assigned twice: may be on');
  assert.equal(off('APP_DEBUG'), false, 'read at run time');
  assert.equal(off('SQL_DEBUG'), false, 'not assigned here');
});
