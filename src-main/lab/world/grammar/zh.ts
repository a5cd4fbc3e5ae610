// Chinese helpers: numerals before a measure word (两, not 二, for two of something).

const DIGITS = ['零', '一', '二', '三', '四', '五', '六', '七', '八', '九'];

/** A count 1–99 as Chinese numerals, in the form used before a measure word. */
export function countWord(n: number): string {
  if (n === 2) return '两';
  if (n < 1 || n > 99 || !Number.isInteger(n)) throw new Error(`countWord: unsupported ${n}`);
  if (n < 10) return DIGITS[n]!;
  const tens = Math.floor(n / 10);
  const ones = n % 10;
  return `${tens === 1 ? '' : DIGITS[tens]}十${ones ? DIGITS[ones] : ''}`;
}
