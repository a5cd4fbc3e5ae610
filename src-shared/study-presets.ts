// The four study presets (the paper's questions with their controls) at three sizes: quick (seconds per run, for
// tests and the demo), laptop (minutes on 2 cores) and gpu (the same grid, bigger model, world and budget).
import { STUDY_PRESETS, StudySpec, type StudyModel, type StudyPresetName, type StudySize, type StudySpecInput } from './study';

const MODELS: Record<StudySize, StudyModel> = {
  quick: { dim: 32, heads: 4, contextLength: 64, depth: 2, stepsPerStage: 24, batchSize: 8, lr: 5e-3, evalWindows: 8, evalTokens: 1000, ngrams: 200 },
  laptop: { dim: 64, heads: 4, contextLength: 128, depth: 3, stepsPerStage: 120, batchSize: 8, lr: 4e-3, evalWindows: 16, evalTokens: 3000, ngrams: 300 },
  gpu: { dim: 256, heads: 8, contextLength: 256, depth: 6, stepsPerStage: 1500, batchSize: 32, lr: 2e-3, evalWindows: 64, evalTokens: 20000, ngrams: 1000 },
};

const SEEDS: Record<StudySize, number> = { quick: 2, laptop: 3, gpu: 5 };

type Grid = Pick<StudySpecInput, 'name' | 'question' | 'arms' | 'control'>;

const GRIDS: Record<StudyPresetName, Grid> = {
  c1: {
    name: 'C1 frozen substrate vs trainable embedding',
    question: 'Does a frozen glyph substrate train as well as a trainable embedding (same architecture, data and steps)?',
    control: 'trainable embedding',
    arms: [
      { name: 'frozen glyph', description: 'frozen Unifont glyph substrate (the paper)', substrate: 'glyph', embedding: 'frozen', schedule: 'monolithic' },
      { name: 'frozen binary-id', description: 'frozen binary codes of the token id', substrate: 'binary-id', embedding: 'frozen', schedule: 'monolithic' },
      { name: 'frozen random', description: 'frozen random unit codes', substrate: 'random', embedding: 'frozen', schedule: 'monolithic' },
      { name: 'trainable embedding', description: 'the usual trainable embedding table, started from random codes', substrate: 'random', embedding: 'trainable', schedule: 'monolithic' },
    ],
  },
  c4: {
    name: 'C4 is the frozen substrate what makes merging work',
    question: 'Two experts (one per corpus) merged by logit averaging: frozen shared substrate vs trained embeddings from the same and from different inits.',
    control: 'frozen substrate',
    arms: [
      { name: 'frozen substrate', description: 'both experts on the same frozen glyph substrate (the paper)', substrate: 'glyph', embedding: 'frozen', merge: 'logits', expertInit: 'same' },
      { name: 'trained, same init', description: 'each expert trains its embedding, both started from the same random codes', substrate: 'random', embedding: 'trainable', merge: 'logits', expertInit: 'same' },
      { name: 'trained, different inits', description: 'each expert trains its embedding, started from different random codes', substrate: 'random', embedding: 'trainable', merge: 'logits', expertInit: 'different' },
    ],
  },
  'growth-vs-monolithic': {
    name: 'Growth vs monolithic',
    question: 'Layer-wise growth against end-to-end training of the same depth, at equal tokens and at equal FLOPs (frozen blocks run forward only, so growth sees more tokens per FLOP).',
    control: 'monolithic',
    arms: [
      { name: 'monolithic', description: 'every block trained end to end, depth × steps-per-stage steps', substrate: 'glyph', schedule: 'monolithic', budget: 'equal-tokens' },
      { name: 'grown, equal tokens', description: 'one block per stage, the same tokens as the monolithic model', substrate: 'glyph', schedule: 'grown', budget: 'equal-tokens' },
      { name: 'grown, equal FLOPs', description: "one block per stage, steps scaled until its FLOPs equal the monolithic model's", substrate: 'glyph', schedule: 'grown', budget: 'equal-flops' },
    ],
  },
  seeds: {
    name: 'Seed variation',
    question: 'How much does one configuration (grown, frozen glyph substrate) vary over seeds?',
    control: 'grown glyph',
    arms: [{ name: 'grown glyph', description: 'one block per stage on the frozen glyph substrate', substrate: 'glyph', schedule: 'grown' }],
  },
};

export function isStudyPreset(s: string): s is StudyPresetName {
  return (STUDY_PRESETS as readonly string[]).includes(s);
}

/** The preset's spec at `size`; `seeds` overrides how many seeds (1…N). */
export function studyPreset(preset: StudyPresetName, size: StudySize = 'laptop', opts: { seeds?: number } = {}): StudySpec {
  const g = GRIDS[preset];
  const n = opts.seeds ?? (preset === 'seeds' ? SEEDS[size] + 2 : SEEDS[size]);
  return StudySpec.parse({
    ...g,
    name: `${g.name}${size === 'laptop' ? '' : ` (${size})`}`,
    preset,
    size,
    seeds: Array.from({ length: n }, (_, i) => i + 1),
    data: { kind: 'world', seed: 1, scale: size === 'gpu' ? 'default' : 'quick' },
    model: MODELS[size],
  });
}
