// The registry of CLI commands. Add one import and one entry per command file.
import type { Command } from '../command';
import demo from './demo';
import doctor from './doctor';
import evalCmd from './eval';
import evalCompare from './eval-compare';
import exportModel from './export-model';
import font from './font';
import generate from './generate';
import grow from './grow';
import importModel from './import-model';
import merge from './merge';
import mergePreview from './merge-preview';
import serve from './serve';
import study from './study';
import substrateBuild from './substrate-build';
import substrateShow from './substrate-show';
import train from './train';
import version from './version';
import vocabBuild from './vocab-build';
import vocabEncode from './vocab-encode';
import tokens from './tokens';
import world from './world';
import workspace from './workspace';

export const commands: Command[] = [
  version,
  vocabBuild,
  vocabEncode,
  tokens,
  substrateBuild,
  substrateShow,
  doctor,
  ...font,
  ...workspace,
  world,
  evalCmd,
  evalCompare,
  train,
  generate,
  merge,
  mergePreview,
  serve,
  grow,
  demo,
  study,
  exportModel,
  importModel,
];
