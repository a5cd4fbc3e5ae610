// The hook through which extra trainable terms join a block's linear maps (LoRA plugs in here): the block
// computes x·W and adds whatever the adapter returns for W, so an adapted block needs no copy of the forward.
import type { Flow } from './flow';
import type { ParamEntry } from './params';

export interface BlockAdapter {
  /** Whether block i has an adapted weight (blocks below the lowest one can run forward-only). */
  hasBlock(i: number): boolean;
  /**
   * The term added to x·W for the weight named `weight` (e.g. "blocks.0.attn.wq"), or null when it has
   * none. `train`: the pass records gradients for the adapter's own parameters.
   */
  delta(weight: string, x: Flow, train: boolean): Flow | null;
  /** The adapter's trainable parameters (what an optimizer updates besides the model's own). */
  entries(): ParamEntry[];
}
