/** JSON for people and diffs: objects indented, arrays of numbers kept on one line. */
export function prettyJson(value: unknown): string {
  const text = JSON.stringify(value, null, 2);
  return `${text.replace(/\[\n\s+(-?[\d.e+-]+(?:,\n\s+-?[\d.e+-]+)*)\n\s*\]/g, (_, body: string) => `[${body.replace(/,\n\s+/g, ', ')}]`)}\n`;
}
