// The rule the merge token view colours by, shared by the worker and the app: each predicted token is credited to
// the expert that gave the actual next token the most probability, with that expert's share of the experts' total.

export interface TokenCredit {
  /** Index of the credited expert (the first one on a tie). */
  expert: number;
  /** p_credited / Σ p_i over the experts: 0.5 is a tie between two, 1 means the others gave the token nothing. */
  share: number;
}

/** The rule in words, shown beside the coloured text so a reader can check any token against its numbers. */
export const CREDIT_RULE =
  'Each token is coloured by the expert that gave it — the actual next token — more probability than the other expert(s) did; the share is that expert’s probability divided by the sum over the experts. Stronger colour means a larger share.';

export function creditOf(probs: readonly number[]): TokenCredit {
  let expert = 0;
  let total = 0;
  for (let i = 0; i < probs.length; i++) {
    const p = Math.max(0, probs[i] ?? 0);
    total += p;
    if (p > Math.max(0, probs[expert] ?? 0)) expert = i;
  }
  const best = Math.max(0, probs[expert] ?? 0);
  // No expert gave the token anything: an even split, credited to none in particular (the first).
  const share = total > 0 ? best / total : probs.length > 0 ? 1 / probs.length : 0;
  return { expert, share };
}
