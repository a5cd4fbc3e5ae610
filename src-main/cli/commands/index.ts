// The registry of CLI commands. Add one import and one entry per command file.
import type { Command } from '../command';
import substrateBuild from './substrate-build';
import substrateShow from './substrate-show';
import version from './version';
import vocabBuild from './vocab-build';
import workspace from './workspace';
import world from './world';

export const commands: Command[] = [version, vocabBuild, substrateBuild, substrateShow, ...workspace, world];
