/**
 * A mistake in the user's input (bad file, bad flag). The CLI prints its message as one line
 * on stderr and exits with code 2; anything else is a bug and keeps its stack trace.
 */
export class UsageError extends Error {
  override name = 'UsageError';
}
