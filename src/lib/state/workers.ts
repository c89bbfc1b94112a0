/**
 * How the state classes reach a worker: a Comlink remote and a way to end the worker. Tests
 * pass in-process fakes with the same shape.
 */
import type { Remote } from 'comlink';

export interface WorkerConnection<Api> {
  api: Remote<Api> | Api;
  close(): void;
}
