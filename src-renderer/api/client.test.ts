// The typed client: {ok:false} becomes an ApiError carrying the main side's message and field; requests are
// validated before they leave, responses and events on arrival.
import { describe, expect, it, vi } from 'vitest';
import { FakeContractError, FakeTransport, makeProject } from '../testing/fakes';
import { ApiClient } from './client';
import { ApiError } from './errors';

describe('ApiClient', () => {
  it('maps {ok:false} to an ApiError with code, message and field', async () => {
    const t = new FakeTransport().on('projects.rename', () => {
      throw new FakeContractError({
        code: 'conflict',
        message: 'projects.rename: name: a project called "x" exists',
        field: 'name',
      });
    });
    const api = new ApiClient(t);
    const err = await api.invoke('projects.rename', { id: 'p1', name: 'x' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({
      code: 'conflict',
      field: 'name',
      channel: 'projects.rename',
      message: 'projects.rename: name: a project called "x" exists',
    });
  });

  it('refuses an invalid request locally, naming the field, without sending it', async () => {
    const t = new FakeTransport();
    const api = new ApiClient(t);
    const err = (await api
      .invoke('runs.startGrow', { projectId: 'p1', name: 'g', datasetIds: [], substrateId: 's1' })
      .catch((e: unknown) => e)) as ApiError;
    expect(err).toBeInstanceOf(ApiError);
    expect(err.code).toBe('invalid-request');
    expect(err.field).toBe('datasetIds');
    expect(t.calls).toHaveLength(0);
  });

  it('sends the parsed request (defaults applied) and returns the validated response', async () => {
    const t = new FakeTransport().on('projects.list', () => [makeProject()]);
    t.on('projects.create', (p) => makeProject({ name: (p as { name: string }).name }));
    const api = new ApiClient(t);
    expect(await api.invoke('projects.list', {})).toEqual([makeProject()]);
    await api.invoke('projects.create', { name: '  Lab  ' });
    expect(t.calls[1]!.payload).toEqual({ name: 'Lab', description: '' });
  });

  it('rejects a response that breaks the contract', async () => {
    const t = new FakeTransport().on('projects.list', () => [{ id: 'p1' }]);
    const err = (await new ApiClient(t).invoke('projects.list', {}).catch((e: unknown) => e)) as ApiError;
    expect(err.code).toBe('bad-response');
    expect(err.message).toMatch(/projects\.list.*0\.name/);
  });

  it('delivers validated events by channel and drops malformed ones', () => {
    const t = new FakeTransport();
    const api = new ApiClient(t);
    const seen = vi.fn();
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const off = api.on('run.log', seen);
    t.emit('run.log', { runId: 'r1', line: 'stage 2' });
    t.emit('run.log', { runId: 'r1' });
    t.emit('not.a.channel', {});
    off();
    t.emit('run.log', { runId: 'r1', line: 'after unsubscribe' });
    expect(seen).toHaveBeenCalledTimes(1);
    expect(seen).toHaveBeenCalledWith({ runId: 'r1', line: 'stage 2' });
    expect(warn).toHaveBeenCalledTimes(1);
    warn.mockRestore();
  });
});
