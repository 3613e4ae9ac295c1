#!/usr/bin/env node
// Runs the compiled CLI (npm run build); see README.
import '../dist/src/cli.js';
