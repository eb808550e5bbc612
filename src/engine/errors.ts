/**
 * An error the user can fix (bad flag, bad config, unreadable path). The CLI prints its
 * message as one line and exits 2, without a stack trace: the stack would only be noise.
 */
export class UsageError extends Error {
  override name = 'UsageError';
}
