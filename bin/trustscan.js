#!/usr/bin/env node
// Thin launcher: all logic lives in dist/cli.js so it is typed and testable in-process.
import { runCli } from '../dist/cli.js';

await runCli(process.argv.slice(2));
