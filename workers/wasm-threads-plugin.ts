/**
 * A Vite plugin that lets multi-threaded tfjs-backend-wasm run from a production bundle.
 *
 * The cause of the `e is not defined` failure: tfjs starts each WebAssembly thread as a Blob worker
 * whose script is `var WasmBackendModuleThreadedSimd = ` + factory.toString(). Emscripten's factory
 * reads its closure variable `_scriptDir` only behind `typeof _scriptDir !== "undefined"`, so the
 * text also runs alone. The minifier renames `_scriptDir` to `e` and, knowing `e` is bound in the
 * enclosing arrow function, drops the `typeof` guard (`e!==void 0&&e`). Alone in the thread's Blob
 * that reference throws. The dev server does not minify, which is why only the build broke.
 *
 * The fix: the factory's toString() returns the module's own, unminified source (the whole
 * IIFE, closure included), so every thread evaluates exactly what Emscripten emitted.
 * Build-time only; never imported by the app.
 */
import type { Plugin } from 'vite';

/** The Emscripten glue of the threaded SIMD build (not its `.worker.js`). */
const THREADED_GLUE = /tfjs-backend-wasm-threaded-simd\.js$/;
const FACTORY = 'var WasmBackendModuleThreadedSimd = ';

/**
 * @example
 * defineConfig({ plugins: [wasmThreadsSource()], worker: { plugins: () => [wasmThreadsSource()] } })
 */
export function wasmThreadsSource(): Plugin {
  return {
    name: 'markerlab:wasm-threads-source',
    enforce: 'pre',
    transform(code, id) {
      if (!THREADED_GLUE.test(id.split('?')[0] ?? '')) return null;
      const start = code.indexOf(FACTORY);
      const end = code.indexOf('\nif (typeof exports', start);
      if (start < 0 || end < 0) this.error(`unexpected shape of ${id}: cannot find the Emscripten factory`);
      // "(() => { var _scriptDir = …; return (function(WasmBackendModuleThreadedSimd) {…}); })()"
      const iife = code.slice(start + FACTORY.length, end).trim().replace(/;$/, '');
      const keep = `\nWasmBackendModuleThreadedSimd.toString = function () { return ${JSON.stringify(iife)}; };\n`;
      return { code: code.slice(0, end) + keep + code.slice(end), map: null };
    },
  };
}
