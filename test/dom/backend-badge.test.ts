import { cleanup, render, screen } from '@testing-library/svelte';
import { afterEach, describe, expect, it } from 'vitest';
import BackendBadge from '../../src/ui/BackendBadge.svelte';
import { BackendStatus } from '../../src/lib/state/backend.svelte';
import type { BackendReport } from '../../src/lib/model/backend';

afterEach(cleanup);

function statusWith(report: BackendReport | Error): BackendStatus {
  return new BackendStatus(() => ({
    init: () => (report instanceof Error ? Promise.reject(report) : Promise.resolve(report)),
  }));
}

describe('BackendBadge', () => {
  it('names the backend and the adapter when WebGPU runs', async () => {
    const status = statusWith({ backend: 'webgpu', adapter: 'google · swiftshader', fallbacks: [] });
    render(BackendBadge, { status });
    expect(screen.getByRole('status', { name: 'Compute backend' }).textContent).toContain('Starting');
    await status.start();
    await Promise.resolve();
    const region = screen.getByRole('status', { name: 'Compute backend' });
    expect(region.textContent).toContain('WebGPU');
    expect(region.textContent).toContain('google · swiftshader');
    expect(screen.queryByText('Why not a faster backend?')).toBeNull();
  });

  it('explains each fallback in words', async () => {
    const status = statusWith({
      backend: 'wasm',
      fallbacks: [
        { backend: 'webgpu', reason: 'this browser has no WebGPU (navigator.gpu is missing)' },
        { backend: 'webgl', reason: 'WebGL is not available (no GPU driver or it is disabled)' },
      ],
    });
    render(BackendBadge, { status });
    await status.start();
    await Promise.resolve();
    expect(screen.getByText('WASM')).toBeTruthy();
    expect(screen.getByText(/WebGPU was not used: this browser has no WebGPU/)).toBeTruthy();
    expect(screen.getByText(/WebGL was not used/)).toBeTruthy();
    expect(screen.getByRole('status', { name: 'Compute backend' }).textContent).toContain('WebAssembly');
  });

  it('shows a failure instead of hanging', async () => {
    const status = statusWith(new Error('worker crashed'));
    render(BackendBadge, { status });
    await status.start();
    await Promise.resolve();
    expect(screen.getByText('No backend')).toBeTruthy();
    expect(screen.getByText(/worker crashed/)).toBeTruthy();
  });
});
