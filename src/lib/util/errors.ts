/**
 * The words of a caught error, for a message a person reads.
 *
 * @example
 * errorMessage(new Error('HTTP 404')); // 'HTTP 404'
 * errorMessage('quota exceeded');      // 'quota exceeded'
 */
export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
