// Memory plans before every job, the advice when one does not fit, and the paper's presets.
export {
  availableRamBytes,
  CALIBRATION,
  GiB,
  gib,
  memoryPlan,
  WASM_HEAP_BYTES,
  type MemoryPlan,
  type PlanInput,
} from './memory-plan';
export { enforcePlan, planAdvice, planLine, planParts, refusalLine, type PlanAdvice } from './advice';
export { PRESET_NAMES, PRESETS, type ModelPreset } from './presets';
