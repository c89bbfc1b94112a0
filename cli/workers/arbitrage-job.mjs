// Entry of an arbitrage worker thread (`markerlab arbitrage --paper --jobs N`): like markerlab.mjs, it
// runs the TypeScript through tsx's loader, then hands over to arbitrage-job.ts.
import { register } from 'tsx/esm/api';

register();
await import('./arbitrage-job.ts');
