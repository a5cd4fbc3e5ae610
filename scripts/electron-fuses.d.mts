// Types for scripts/electron-fuses.mjs (imported by its test).
export declare const FUSES: Record<string, unknown>;
export declare function applyFuses(binary: string, opts?: { resetAdHocDarwinSignature?: boolean }): Promise<number>;
export default function afterPack(context: unknown): Promise<void>;
