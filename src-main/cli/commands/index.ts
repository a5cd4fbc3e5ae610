// The registry of CLI commands. Add one import and one entry per command file.
import type { Command } from '../command';
import version from './version';
import vocabBuild from './vocab-build';

export const commands: Command[] = [version, vocabBuild];
