// The four study presets (the paper's questions with their controls) at three sizes: quick (seconds per run, for
// tests and the demo), laptop (minutes on 2 cores) and gpu (the same grid, bigger model, world and budget).
import {
  STUDY_PRESETS,
  StudySpec,
  type StudyModel,
  type StudyPresetName,
  type StudySize,
  type StudySpecInput,
} from './study';

const MODELS: Record<StudySize, StudyModel> = {
  quick: {
    dim: 32,
    heads: 4,
    contextLength: 64,
    depth: 2,
    stepsPerStage: 24,
    batchSize: 8,
    lr: 5e-3,
    evalWindows: 8,
    evalTokens: 1000,
    ngrams: 200,
  },
  laptop: {
    dim: 64,
    heads: 4,
    contextLength: 128,
    depth: 3,
    stepsPerStage: 120,
    batchSize: 8,
    lr: 4e-3,
    evalWindows: 16,
    evalTokens: 3000,
    ngrams: 300,
  },
  gpu: {
    dim: 256,
    heads: 8,
    contextLength: 256,
    depth: 6,
    stepsPerStage: 1500,
    batchSize: 32,
    lr: 2e-3,
    evalWindows: 64,
    evalTokens: 20000,
    ngrams: 1000,
  },
};

const SEEDS: Record<StudySize, number> = { quick: 2, laptop: 3, gpu: 5 };

type Grid = Pick<StudySpecInput, 'name' | 'question' | 'arms' | 'control'>;

const GRIDS: Record<StudyPresetName, Grid> = {
  c1: {
    name: 'C1 frozen substrate vs trainable embedding',
    question:
      'Does a frozen glyph substrate train as well as a trainable embedding (same architecture, data and steps)?',
    control: 'trainable embedding',
    arms: [
      {
        name: 'frozen glyph',
        description: 'frozen Unifont glyph substrate (the paper)',
        substrate: 'glyph',
        embedding: 'frozen',
        schedule: 'monolithic',
      },
      {
        name: 'frozen binary-id',
        description: 'frozen binary codes of the token id',
        substrate: 'binary-id',
        embedding: 'frozen',
        schedule: 'monolithic',
      },
      {
        name: 'frozen random',
        description: 'frozen random unit codes',
        substrate: 'random',
        embedding: 'frozen',
        schedule: 'monolithic',
      },
      {
        name: 'trainable embedding',
        description: 'the usual trainable embedding table, started from random codes',
        substrate: 'random',
        embedding: 'trainable',
        schedule: 'monolithic',
      },
    ],
  },
  c4: {
    name: 'C4 is the frozen substrate what makes merging work',
    question:
      'Two experts (one per corpus) merged by logit averaging: frozen shared substrate vs trained embeddings from the same and from different inits.',
    control: 'frozen substrate',
    arms: [
      {
        name: 'frozen substrate',
        description: 'both experts on the same frozen glyph substrate (the paper)',
        substrate: 'glyph',
        embedding: 'frozen',
        merge: 'logits',
        expertInit: 'same',
      },
      {
        name: 'trained, same init',
        description: 'each expert trains its embedding, both started from the same random codes',
        substrate: 'random',
        embedding: 'trainable',
        merge: 'logits',
        expertInit: 'same',
      },
      {
        name: 'trained, different inits',
        description: 'each expert trains its embedding, started from different random codes',
        substrate: 'random',
        embedding: 'trainable',
        merge: 'logits',
        expertInit: 'different',
      },
    ],
  },
  'growth-vs-monolithic': {
    name: 'Growth vs monolithic',
    question:
      'Layer-wise growth against end-to-end training of the same depth, at equal tokens and at equal FLOPs (frozen blocks run forward only, so growth sees more tokens per FLOP).',
    control: 'monolithic',
    arms: [
      {
        name: 'monolithic',
        description: 'every block trained end to end, depth × steps-per-stage steps',
        substrate: 'glyph',
        schedule: 'monolithic',
        budget: 'equal-tokens',
      },
      {
        name: 'grown, equal tokens',
        description: 'one block per stage, the same tokens as the monolithic model',
        substrate: 'glyph',
        schedule: 'grown',
        budget: 'equal-tokens',
      },
      {
        name: 'grown, equal FLOPs',
        description: "one block per stage, steps scaled until its FLOPs equal the monolithic model's",
        substrate: 'glyph',
        schedule: 'grown',
        budget: 'equal-flops',
      },
    ],
  },
  paper: {
    name: 'Paper questions C1-C4',
    question:
      'C1 glyph vs random vs trainable; C2 growth vs monolithic at equal tokens and FLOPs; C3 depth against one block trained as long; C4 logit vs probability merges of frozen, trainable-same and trainable-different experts.',
    control: 'monolithic glyph',
    arms: [
      {
        name: 'monolithic glyph',
        description: 'C1, C2: frozen glyph substrate, every block trained end to end',
        substrate: 'glyph',
        embedding: 'frozen',
        schedule: 'monolithic',
      },
      {
        name: 'frozen random',
        description: 'C1: frozen random unit codes',
        substrate: 'random',
        embedding: 'frozen',
        schedule: 'monolithic',
      },
      {
        name: 'trainable embedding',
        description: 'C1: the usual trainable table, started from random codes',
        substrate: 'random',
        embedding: 'trainable',
        schedule: 'monolithic',
      },
      {
        name: 'grown, equal tokens',
        description: 'C2, C3: one block per stage on the glyph substrate, the monolithic tokens',
        substrate: 'glyph',
        schedule: 'grown',
        budget: 'equal-tokens',
      },
      {
        name: 'grown, equal FLOPs',
        description: "C2: one block per stage, steps scaled to the monolithic model's FLOPs",
        substrate: 'glyph',
        schedule: 'grown',
        budget: 'equal-flops',
      },
      {
        name: 'one block, equal steps',
        description: "C3 control: one block trained for the grown model's total steps",
        substrate: 'glyph',
        schedule: 'monolithic',
        budget: 'equal-tokens',
        depth: 1,
      },
      {
        name: 'one block, equal FLOPs',
        description: "C3 control: one block trained for the grown model's FLOPs",
        substrate: 'glyph',
        schedule: 'monolithic',
        budget: 'equal-flops',
        depth: 1,
      },
      {
        name: 'merge, frozen',
        description: 'C4: two experts on the same frozen glyph substrate (the paper)',
        substrate: 'glyph',
        embedding: 'frozen',
        merge: 'logits',
        expertInit: 'same',
      },
      {
        name: 'merge, trainable same',
        description: 'C4: each expert trains its table, both started from the glyph rows',
        substrate: 'glyph',
        embedding: 'trainable',
        merge: 'logits',
        expertInit: 'same',
      },
      {
        name: 'merge, trainable different',
        description: 'C4: each expert trains its table, started from its own seeded permutation of the glyph rows',
        substrate: 'glyph',
        embedding: 'trainable',
        merge: 'logits',
        expertInit: 'different',
      },
    ],
  },
  seeds: {
    name: 'Seed variation',
    question: 'How much does one configuration (grown, frozen glyph substrate) vary over seeds?',
    control: 'grown glyph',
    arms: [
      {
        name: 'grown glyph',
        description: 'one block per stage on the frozen glyph substrate',
        substrate: 'glyph',
        schedule: 'grown',
      },
    ],
  },
};

export function isStudyPreset(s: string): s is StudyPresetName {
  return (STUDY_PRESETS as readonly string[]).includes(s);
}

/** The preset's spec at `size`; `seeds` overrides how many seeds (1…N); `data` replaces the demo world. */
export function studyPreset(
  preset: StudyPresetName,
  size: StudySize = 'laptop',
  opts: { seeds?: number; data?: StudySpecInput['data'] } = {},
): StudySpec {
  const g = GRIDS[preset];
  const n = opts.seeds ?? (preset === 'seeds' ? SEEDS[size] + 2 : SEEDS[size]);
  return StudySpec.parse({
    ...g,
    name: `${g.name}${size === 'laptop' ? '' : ` (${size})`}`,
    preset,
    size,
    seeds: Array.from({ length: n }, (_, i) => i + 1),
    data: opts.data ?? { kind: 'world', seed: 1, scale: size === 'gpu' ? 'default' : 'quick' },
    model: MODELS[size],
  });
}

/** One difference a paper claim rests on: arm − control (or arm's metric − its `against` metric, or arm vs 0). */
export interface ClaimComparison {
  label: string;
  arm: string;
  metric: string;
  /** Another arm, paired by seed; absent with `against` (the same arm's other metric) or for a one-sample test vs 0. */
  control?: string;
  against?: string;
  /** The claim's side of zero. */
  expect: 'lower' | 'higher';
  /** Shown beside the verdict but not part of it. */
  informational?: boolean;
}

export interface PaperQuestion {
  question: string;
  title: string;
  claim: string;
  comparisons: ClaimComparison[];
}

/** The paper preset's four questions, each with the claim as the paper makes it and the differences that test it. */
export const PAPER_QUESTIONS: readonly PaperQuestion[] = [
  {
    question: 'C1',
    title: 'frozen glyph substrate',
    claim:
      'a frozen glyph substrate trains to a lower held-out loss than a trainable embedding and than frozen random codes',
    comparisons: [
      {
        label: 'glyph − trainable',
        arm: 'monolithic glyph',
        control: 'trainable embedding',
        metric: 'heldout nll',
        expect: 'lower',
      },
      {
        label: 'glyph − random',
        arm: 'monolithic glyph',
        control: 'frozen random',
        metric: 'heldout nll',
        expect: 'lower',
      },
    ],
  },
  {
    question: 'C2',
    title: 'growth vs monolithic',
    claim:
      'growing one block per stage reaches a lower held-out loss than training every block end to end, at equal tokens and at equal FLOPs',
    comparisons: [
      {
        label: 'grown − monolithic, equal tokens',
        arm: 'grown, equal tokens',
        control: 'monolithic glyph',
        metric: 'heldout nll',
        expect: 'lower',
      },
      {
        label: 'grown − monolithic, equal FLOPs',
        arm: 'grown, equal FLOPs',
        control: 'monolithic glyph',
        metric: 'heldout nll',
        expect: 'lower',
      },
    ],
  },
  {
    question: 'C3',
    title: 'depth, against its control',
    claim: 'the stages add depth that lowers the loss beyond what the same training of one block does',
    comparisons: [
      {
        label: 'grown − one block, equal steps',
        arm: 'grown, equal tokens',
        control: 'one block, equal steps',
        metric: 'heldout nll',
        expect: 'lower',
      },
      {
        label: 'grown − one block, equal FLOPs',
        arm: 'grown, equal tokens',
        control: 'one block, equal FLOPs',
        metric: 'heldout nll',
        expect: 'lower',
      },
    ],
  },
  {
    question: 'C4',
    title: 'merging on the frozen substrate',
    claim:
      'the shared frozen substrate is what makes merging work: its logit merge beats the best expert, and closes more of the gap to routing than experts with trained tables',
    comparisons: [
      { label: 'frozen merge gain', arm: 'merge, frozen', metric: 'merge gain', expect: 'higher' },
      {
        label: 'normalised gain, frozen − trainable same',
        arm: 'merge, frozen',
        control: 'merge, trainable same',
        metric: 'normalised merge gain',
        expect: 'higher',
      },
      {
        label: 'normalised gain, frozen − trainable different',
        arm: 'merge, frozen',
        control: 'merge, trainable different',
        metric: 'normalised merge gain',
        expect: 'higher',
      },
      {
        label: 'frozen: logit − probability merge',
        arm: 'merge, frozen',
        metric: 'merge nll logits',
        against: 'merge nll probs',
        expect: 'lower',
        informational: true,
      },
    ],
  },
];
