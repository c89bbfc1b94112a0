// Entry of a sweep worker thread (`markerlab sweep --jobs N`): like markerlab.mjs, it runs the
// TypeScript through tsx's loader, then hands over to cell.ts.
import { register } from 'tsx/esm/api';

register();
await import('./cell.ts');
