import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
// src/version.ts and dist/version.js both sit one level below package.json
const pkg = require('../package.json') as { version: string };

export const VERSION: string = pkg.version;
