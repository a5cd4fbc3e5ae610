// Every invoke channel of the contract bound to its service method. The dispatcher validates requests and
// responses around these; `satisfies Required<Handlers>` makes a channel added to the contract a type error here.
import type { Handlers } from './dispatch';
import type { DatasetsService } from './datasets';
import type { InstallsService } from './installs/service';
import type { EvalsService } from './evals';
import type { FilesService } from './files';
import type { MergeService } from './merge';
import type { ModelsService } from './models';
import type { PlaygroundService } from './playground';
import type { ProjectsService } from './projects';
import type { RunsService } from './runs';
import type { StudiesService } from './studies';
import type { SubstratesService } from './substrates';
import type { SystemService } from './system';
import type { TrainingService } from './training';

export interface Services {
  system: SystemService;
  files: FilesService;
  projects: ProjectsService;
  datasets: DatasetsService;
  substrates: SubstratesService;
  runs: RunsService;
  training: TrainingService;
  models: ModelsService;
  merge: MergeService;
  evals: EvalsService;
  playground: PlaygroundService;
  studies: StudiesService;
  installs: InstallsService;
}

export function contractHandlers(s: Services): Required<Handlers> {
  return {
    'app.info': () => s.system.appInfo(),
    'system.info': (r) => s.system.systemInfo(r),
    'system.setBackend': (r) => s.system.setBackend(r),
    'files.choose': (r) => s.files.choose(r),
    'system.installables': () => s.installs.installables(),
    'system.install': (r) => s.installs.install(r),

    'projects.list': () => s.projects.list(),
    'projects.create': (r) => s.projects.create(r),
    'projects.createDemo': (r) => s.projects.createDemo(r),
    'projects.rename': (r) => s.projects.rename(r),
    'projects.delete': (r) => s.projects.delete(r),
    'projects.setSubstrate': (r) => s.projects.setSubstrate(r),

    'datasets.list': (r) => s.datasets.list(r),
    'datasets.import': (r) => s.datasets.import(r),
    'datasets.preview': (r) => s.datasets.preview(r),
    'datasets.setSplit': (r) => s.datasets.setSplit(r),
    'datasets.setLanguages': (r) => s.datasets.setLanguages(r),
    'datasets.delete': (r) => s.datasets.delete(r),

    'substrates.list': (r) => s.substrates.list(r),
    'substrates.build': (r) => s.substrates.build(r),
    'substrates.lookup': (r) => s.substrates.lookup(r),
    'substrates.setLabel': (r) => s.substrates.setLabel(r),
    'substrates.delete': (r) => s.substrates.delete(r),

    'runs.list': (r) => s.runs.list(r.projectId),
    'runs.get': (r) => s.runs.get(r.id),
    'runs.metrics': (r) => s.runs.metricSeries(r.runId, r.names, r.sinceStep),
    'runs.startTrain': (r) => s.training.startTrain(r),
    'runs.startGrow': (r) => s.training.startGrow(r),
    'runs.planGrow': (r) => s.training.planGrow(r),
    'runs.cancel': (r) => s.runs.cancel(r.id),
    'runs.pause': (r) => s.runs.pause(r.id),
    'runs.resume': (r) => s.runs.resume(r.id),
    'runs.logs': (r) => s.runs.logTail(r.runId, r.afterSeq),

    'models.list': (r) => s.models.list(r),
    'models.rename': (r) => s.models.rename(r),
    'models.delete': (r) => s.models.delete(r),
    'models.disk': (r) => s.models.disk(r),
    'models.export': (r) => s.models.export(r),
    'models.import': (r) => s.models.import(r),

    'merge.check': (r) => s.merge.check(r),
    'merge.preview': (r) => s.merge.preview(r),
    'merge.tune': (r) => s.merge.tune(r),
    'merge.save': (r) => s.merge.save(r),

    'evals.start': (r) => s.evals.start(r),
    'evals.list': (r) => s.evals.list(r),
    'evals.items': (r) => s.evals.items(r),

    'studies.list': (r) => s.studies.list(r),
    'studies.create': (r) => s.studies.create(r),
    'studies.get': (r) => s.studies.get(r),
    'studies.start': (r) => s.studies.start(r),
    'studies.cancel': (r) => s.studies.cancel(r),
    'studies.delete': (r) => s.studies.delete(r),
    'studies.promote': (r) => s.studies.promote(r),
    'studies.export': (r) => s.studies.export(r),

    'playground.generate': (r) => s.playground.generate(r),
    'playground.cancel': (r) => s.playground.cancel(r),
  };
}
