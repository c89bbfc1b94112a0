/**
 * End-to-end tests run against the production build, as users get it: build once, serve it with
 * `vite preview` on a free port, hand the URL to the tests.
 */
import { build, preview, type PreviewServer } from 'vite';
import type { TestProject } from 'vitest/node';

let server: PreviewServer | undefined;

/** E2E_OUT_DIR lets several checkouts or people build side by side without sharing `dist/`. */
const outDir = process.env.E2E_OUT_DIR ?? 'dist';

export async function setup(project: TestProject): Promise<void> {
  await build({ logLevel: 'warn', build: { outDir, emptyOutDir: true } });
  server = await preview({ build: { outDir }, preview: { port: 0, strictPort: false, host: '127.0.0.1' }, logLevel: 'warn' });
  const url = server.resolvedUrls?.local[0];
  if (!url) throw new Error('vite preview did not report a URL');
  project.provide('baseUrl', url);
}

export async function teardown(): Promise<void> {
  await server?.close();
}

declare module 'vitest' {
  export interface ProvidedContext {
    baseUrl: string;
  }
}
