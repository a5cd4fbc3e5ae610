// Which number a results table leads with, shared by every layer that shows evaluation results.

/**
 * The headline metric of a result: perplexity, BLEU, SQuAD F1 where the result has it (QA under the
 * field's protocol), else accuracy; a result without that metric leads with its first one.
 */
export function headlineMetric(r: { task: string; metrics: Record<string, number> }): string | null {
  const preferred =
    r.task === 'ppl'
      ? 'ppl'
      : r.task === 'bleu'
        ? 'bleu'
        : r.task === 'qa' && r.metrics['f1'] !== undefined
          ? 'f1'
          : 'acc';
  if (r.metrics[preferred] !== undefined) return preferred;
  return Object.keys(r.metrics)[0] ?? null;
}
