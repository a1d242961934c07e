/** Terminal-safe text for the CLI's output. */

/**
 * Shows control characters (C0, DEL, C1) and bidirectional overrides as `\uXXXX`, so that text
 * from user files (ids, lines quoted in errors) cannot drive the terminal: no title changes,
 * no cleared screen, no reordered text.
 */
export function escapeControl(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
