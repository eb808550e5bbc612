#!/usr/bin/env node
// Thin launcher: all logic lives in dist/cli.js so it is typed and testable in-process.
import module from 'node:module';

// Node 22.1+ can cache compiled code between runs (most of a scan's start-up is compiling the
// TypeScript bundle); on older Node the function does not exist and start-up is simply uncached.
if (typeof module.enableCompileCache === 'function') module.enableCompileCache();

// Imported after the cache is enabled, so that the CLI's own modules are cached too.
const { runCli } = await import('../dist/cli.js');
await runCli(process.argv.slice(2));
