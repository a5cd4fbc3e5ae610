// `--plan` without --json: the memory plan as a short table a person reads before starting a long job.
import { gib } from '../../engine/plan/index';
import type { JobPlan } from './plan';

export function planHuman(j: JobPlan): string {
  const p = j.plan;
  const b = p.bytes;
  const wasm = p.limits.wasmHeap !== null;
  const m = (n: number) => `${(n / 1e6).toFixed(1)} M`;
  const lines = [
    ...(j.preset
      ? [
          `preset ${j.preset.name}: ${m(j.preset.params)} parameters with the substrate; the paper: ${j.preset.paperText} (${(j.preset.deviation * 100).toFixed(2)} %)`,
        ]
      : []),
    `model: ${j.config.layers} blocks × d ${j.config.dModel}, ${j.config.heads} heads, context ${j.config.contextLength}, vocabulary ${j.config.vocabSize.toLocaleString('en')}`,
    `parameters: ${m(p.params.total)} (trainable ${m(p.params.trainable)}, frozen blocks ${m(p.params.frozenBlocks)}, substrate ${m(p.params.frozenSubstrate)})`,
    `batch ${p.batch} × grad-accum ${p.accumulation}, on ${p.backend}`,
    `  weights      ${gib(b.weights)}`,
    `  substrate    ${gib(b.substrate)}${wasm && p.placement.substrate === 'host' ? ' (its host matrix only, outside the wasm heap)' : ''}`,
    `  gradients    ${gib(b.gradients)}`,
    `  AdamW        ${gib(b.optimizer)}${wasm ? (p.placement.optimizer === 'native' ? ' outside the wasm heap (native)' : ' on the wasm heap') : ''}`,
    `  activations  ${gib(b.activations)}`,
    // --precision f16 on webgpu: what the float16 storage adds (weight copies) less what it saves (saved inputs).
    ...(b.halfStorage !== 0
      ? [`  f16 storage  ${b.halfStorage > 0 ? '+' : ''}${gib(b.halfStorage)} net, counted in weights and activations`]
      : []),
    `  logits       ${gib(b.logits)}`,
    `  runtime      ${gib(b.base)}`,
    `  peak         ${gib(b.total)} of ${gib(p.limits.ram)} RAM available${p.limits.wasmHeap !== null ? `; wasm heap ${gib(b.backendHeap)} of ${gib(p.limits.wasmHeap)}` : ''}`,
    ...(wasm ? p.placement.onHeap.map((l) => `  on the wasm heap: ${l}`) : []),
    p.fits ? 'fits' : `does not fit: ${p.problems.join('; ')}`,
  ];
  if (j.advice?.gradAccum)
    lines.push(
      `  would fit with --batch ${j.advice.gradAccum.batch} --grad-accum ${j.advice.gradAccum.accumulation} (${gib(j.advice.gradAccum.total)})`,
    );
  if (j.advice?.growth)
    lines.push(
      `  would fit as growth with --batch ${j.advice.growth.batch} --grad-accum ${j.advice.growth.accumulation} (the final stage: ${gib(j.advice.growth.total)})`,
    );
  if (j.advice?.cpuBackend) lines.push('  would fit with --backend cpu (no 4 GiB heap, much slower)');
  if (j.advice?.context)
    lines.push(`  would fit with --context ${j.advice.context.context} (${gib(j.advice.context.total)})`);
  return lines.join('\n');
}
