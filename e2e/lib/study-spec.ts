// The tiny study the e2e specs run: a preset cut to two arms × two seeds of a few steps each, so every run takes
// seconds even on a loaded 2-core machine.
export function tinyStudySpec(
  preset: Record<string, unknown>,
  name: string,
  armNames: readonly string[],
): Record<string, unknown> {
  const arms = (preset['arms'] as { name: string }[]).filter((a) => armNames.includes(a.name));
  return {
    ...preset,
    name,
    seeds: [1, 2],
    arms,
    control: 'trainable embedding',
    model: {
      dim: 16,
      heads: 2,
      contextLength: 16,
      depth: 1,
      stepsPerStage: 12,
      batchSize: 2,
      lr: 0.01,
      evalWindows: 2,
      evalTokens: 64,
      ngrams: 0,
    },
  };
}
