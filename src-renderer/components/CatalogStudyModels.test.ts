// @vitest-environment happy-dom
// Issue 28 item 1: a study's models stay out of the Merge, Playground and Evaluate pickers unless promoted; the
// Catalog keeps them under their study, collapsed, with a Promote action.
import { flushPromises, mount } from '@vue/test-utils';
import type { Pinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import type { ModelEntry } from '../../src-shared/domain';
import { useModelsStore } from '../stores/models';
import { useProjectsStore } from '../stores/projects';
import { FakeTransport, makeModel, makeProject } from '../testing/fakes';
import { freshApp } from '../testing/setup';
import CatalogView from '../views/CatalogView.vue';
import EvalForm from './evaluate/EvalForm.vue';

let pinia: Pinia;
let transport: FakeTransport;
const study = (id: string, name: string, extra: Record<string, unknown> = {}): Partial<ModelEntry> => ({
  provenance: { kind: 'study', studyId: 'std_1', study: 'C4 quick', run: 'x', ...extra },
  id,
  name,
});
let list: ModelEntry[];
beforeEach(() => {
  ({ pinia, transport } = freshApp());
  useProjectsStore().list = [makeProject()];
  useProjectsStore().currentId = 'p1';
  list = [
    makeModel({ id: 'own', name: 'my expert', kind: 'trained' }),
    makeModel({ kind: 'trained', ...study('sa', 'C4 quick · frozen · seed 1 · expert A') }),
    makeModel({ kind: 'trained', ...study('sb', 'C4 quick · frozen · seed 1 · expert B') }),
    makeModel({ kind: 'merge', ...study('sm', 'C4 quick · frozen · seed 1 · merge (logits)') }),
  ];
  useModelsStore().list = list;
  transport.on('models.list', () => list);
  transport.on('models.disk', () => null);
  transport.on('studies.promote', (p) => {
    const { modelId, promoted } = p as { modelId: string; promoted: boolean };
    list = list.map((m) => (m.id === modelId ? { ...m, provenance: { ...m.provenance, promoted } } : m));
    return { ok: true };
  });
});

describe('study models in the catalog and the pickers', () => {
  it('are left out of the pickers, kept collapsed under their study, and join the pickers once promoted', async () => {
    const models = useModelsStore();
    expect(models.pickable.map((m) => m.id)).toEqual(['own']);
    expect(models.experts.map((m) => m.id)).toEqual(['own']);
    const form = mount(EvalForm, { global: { plugins: [pinia] } });
    expect(form.findAll('.checklist label').map((l) => l.text())).toEqual([expect.stringContaining('my expert')]);

    const w = mount(CatalogView, { global: { plugins: [pinia] } });
    expect(w.findAll('[data-testid="model-row"]').map((r) => r.attributes('data-model-name'))).toEqual(['my expert']);
    const group = w.get('[data-testid="catalog-study-group"]');
    expect(group.attributes('data-study-id')).toBe('std_1');
    expect((group.element as HTMLDetailsElement).open).toBe(false);
    expect(group.get('summary').text()).toContain('C4 quick · 3 models');

    const expertA = group
      .findAll('[data-testid="catalog-study-model"]')
      .find((r) => r.attributes('data-model-name')?.endsWith('expert A'))!;
    await expertA.get('[data-testid="catalog-promote"]').trigger('click');
    await flushPromises();
    expect(transport.calls.find((c) => c.channel === 'studies.promote')!.payload).toEqual({
      modelId: 'sa',
      promoted: true,
    });
    expect(models.pickable.map((m) => m.id)).toEqual(['own', 'sa']);
    expect(w.findAll('[data-testid="model-row"]').map((r) => r.attributes('data-model-name'))).toContain(
      'C4 quick · frozen · seed 1 · expert A',
    );
    expect(w.findAll('[data-testid="catalog-study-model"]')).toHaveLength(2);
  });
});
