// The extensionTestsPath both runners hand to VS Code (it must be JavaScript): registers tsx so
// the suite's TypeScript files load as they are, then hands over to the run() in index.ts.
'use strict';
require('tsx/cjs/api').register();
module.exports = require('./index.ts');
