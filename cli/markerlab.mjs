#!/usr/bin/env node
// Entry point of `npx markerlab`: the CLI is TypeScript sharing src/lib with the app,
// so it runs through tsx's loader instead of a separate build.
import { register } from 'tsx/esm/api';

// `markerlab export … | head`: the reader left, which is not an error worth a stack trace.
process.stdout.on('error', (err) => {
  if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw err;
});

register();
const { main } = await import('./main.ts');
process.exitCode = await main(process.argv.slice(2));
