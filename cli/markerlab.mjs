#!/usr/bin/env node
// Entry point of `npx markerlab`: the CLI is TypeScript sharing src/lib with the app,
// so it runs through tsx's loader instead of a separate build.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('./main.ts');
process.exitCode = await main(process.argv.slice(2));
