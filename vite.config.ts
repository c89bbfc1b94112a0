import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { playwright } from '@vitest/browser-playwright';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './test/chromium.ts';
import { wasmThreadsSource } from './workers/wasm-threads-plugin.ts';

// Cross-origin isolation (needed by tfjs-backend-wasm threads) on both dev and preview servers.
const isolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};


export default defineConfig({
  plugins: [svelte({ configFile: false }), wasmThreadsSource()],
  // Workers are bundled separately, with their own plugins: the wasm backend lives in them.
  worker: { format: 'es', plugins: () => [wasmThreadsSource()] },
  optimizeDeps: {
    include: [
      '@tensorflow/tfjs',
      '@tensorflow/tfjs-backend-webgpu',
      '@tensorflow/tfjs-backend-wasm',
      'comlink',
      'idb',
    ],
  },
  server: { headers: isolation },
  preview: { headers: isolation },
  test: {
    // Vitest's default (cores − 1) is one worker on two cores, which runs every node, dom and e2e
    // file in turn while the e2e files mostly wait on Chromium: two workers overlap them.
    maxWorkers: Math.max(2, availableParallelism() - 1),
    // A poll without its own time-out waits 20 s, not vitest's 1 s: on two cores busy with the whole
    // suite, a worker's answer can take seconds. (Passing tests are no slower.)
    expect: { poll: { timeout: 20_000 } },
    projects: [
      {
        extends: true,
        test: {
          name: 'node',
          environment: 'node',
          include: ['test/unit/**/*.test.ts'],
          // The annotated teaching set: built once per run, preloaded into every file.
          globalSetup: ['test/setup/teaching-global.ts'],
          setupFiles: ['test/setup/teaching-preload.ts'],
        },
      },
      {
        extends: true,
        resolve: { conditions: ['browser'] },
        test: {
          name: 'dom',
          environment: 'happy-dom',
          include: ['test/dom/**/*.test.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          environment: 'node',
          include: ['test/e2e/**/*.test.ts'],
          globalSetup: ['test/e2e/setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 180_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'browser',
          include: ['test/browser/**/*.test.ts'],
          testTimeout: 120_000,
          browser: {
            enabled: true,
            headless: true,
            screenshotFailures: false,
            provider: playwright({
              launchOptions: { executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS },
            }),
            instances: [{ browser: 'chromium' }],
          },
        },
      },
    ],
  },
});
