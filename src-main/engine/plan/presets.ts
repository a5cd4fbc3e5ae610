// The paper's configurations (Bochkov, arXiv 2507.07129) as presets, each with the parameter count it published.
import type { ModelConfigInput } from '../model/config';

export interface ModelPreset {
  name: string;
  description: string;
  /** Architecture; vocabSize is the vocabulary the paper built (the vocab builder makes one of that size). */
  config: ModelConfigInput & {
    layers: number;
    dModel: number;
    heads: number;
    contextLength: number;
    substrateDim: number;
  };
  /** The parameter count the paper reports, substrate included, and how it wrote it. */
  paper: { params: number; text: string };
}

export const PRESETS: Record<string, ModelPreset> = {
  'growing-9': {
    name: 'growing-9',
    description:
      'the growing-transformers 1–9 series: 9 blocks × d 1024, 32 heads, context 1024, 65,536-token vocabulary, 1024-d glyph substrate',
    config: {
      vocabSize: 65_536,
      layers: 9,
      dModel: 1024,
      heads: 32,
      contextLength: 1024,
      substrateDim: 1024,
      mlpRatio: 4,
    },
    paper: { params: 247.6e6, text: '247.6 M' },
  },
  'best-16': {
    name: 'best-16',
    description:
      'best_bvv: 16 blocks × d 1024, 32 heads, context 1024, 131,072-token vocabulary, 1024-d glyph substrate',
    config: {
      vocabSize: 131_072,
      layers: 16,
      dModel: 1024,
      heads: 32,
      contextLength: 1024,
      substrateDim: 1024,
      mlpRatio: 4,
    },
    paper: { params: 0.5e9, text: '0.5 B' },
  },
};

export const PRESET_NAMES = Object.keys(PRESETS);
