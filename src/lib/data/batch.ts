/**
 * Rows → training batches, per step: dropout → format → tokenize → window → pack. One import for
 * the parts: encoding (batch-encode.ts), windowing and the sliding header generation shares
 * (batch-window.ts), packing and attention masks (batch-pack.ts), many rows encoded once into a flat
 * store (batch-prepared.ts), the seeded batch stream (batch-sampler.ts) and validation batches
 * (batch-eval.ts). Pure TS: no tf, no DOM.
 */
export * from './batch-encode';
export * from './batch-window';
export * from './batch-pack';
export * from './batch-sampler';
export * from './batch-prepared';
export * from './batch-eval';
