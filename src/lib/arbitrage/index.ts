/**
 * The Arbitrage lab's pure core, in one import: routers, the reward, the training set and its
 * compositions. See types.ts for the flow.
 */
export * from './types';
export * from './reward';
export * from './overlap';
export * from './routers';
export * from './ngrams';
export * from './learned';
export * from './dataset';
export * from './compositions';
export * from './plan';
export * from './paper';
export * from './results';
export * from './report';
export * from './teaching-pool';
export * from './from-answers';
