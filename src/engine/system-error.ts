/**
 * A failed system call as a user reads it: `no space left on device (ENOSPC)` rather than
 * Node's `ENOSPC: no space left on device, write` or a bare code.
 */
export function describeSystemError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as NodeJS.ErrnoException).code;
  if (!code) return error.message;
  // Node's text is "<CODE>: <description>, <syscall> '<path>'"; keep the description only.
  const description = error.message.startsWith(`${code}: `) ? error.message.slice(code.length + 2).split(', ')[0] : '';
  return description ? `${description} (${code})` : code;
}
