/** `1st`, `2nd`, `11th`… for a 0-based position: messages say which column of a core's list they mean. */
export function ordinal(position: number): string {
  const n = position + 1;
  const suffix = n % 100 >= 11 && n % 100 <= 13 ? 'th' : (['th', 'st', 'nd', 'rd'][n % 10] ?? 'th');
  return `${n}${suffix}`;
}
