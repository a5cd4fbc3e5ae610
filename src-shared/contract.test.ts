// The contract validates every payload: defaults are applied, malformed requests name the field.
import { describe, expect, it } from 'vitest';
import { invokeChannels, isInvokeChannel, parseRequest } from './contract';

describe('IPC contract', () => {
  it('applies defaults to a minimal growth request', () => {
    const r = parseRequest('runs.startGrow', { projectId: 'p1', name: 'ru', datasetIds: ['d1'], substrateId: 's1' });
    expect(r.ok).toBe(true);
    if (r.ok) {
      expect(r.value.stages).toBe(3);
      expect(r.value.init).toBe('scaled');
      expect(r.value.shape.dModel).toBe(128);
    }
  });

  it('names the offending field of a malformed payload', () => {
    const r = parseRequest('runs.startGrow', { projectId: 'p1', name: 'ru', datasetIds: [], substrateId: 's1' });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe('invalid-request');
      expect(r.error.field).toBe('datasetIds');
      expect(r.error.message).toMatch(/^runs\.startGrow: datasetIds: /);
    }
  });

  it('rejects unknown fields (strict objects) and wrong types', () => {
    const extra = parseRequest('projects.create', { name: 'x', isAdmin: true });
    expect(extra.ok).toBe(false);
    const wrong = parseRequest('projects.rename', { id: 'p', name: 42 });
    expect(wrong.ok).toBe(false);
    if (!wrong.ok) expect(wrong.error.field).toBe('name');
  });

  it('requires exactly one of path or upload on dataset import', () => {
    expect(parseRequest('datasets.import', { projectId: 'p' }).ok).toBe(false);
    expect(parseRequest('datasets.import', { projectId: 'p', path: '/a.txt' }).ok).toBe(true);
    expect(
      parseRequest('datasets.import', { projectId: 'p', path: '/a.txt', upload: { fileName: 'a', base64: '' } }).ok,
    ).toBe(false);
  });

  it('knows its channels and nothing else', () => {
    expect(isInvokeChannel('projects.list')).toBe(true);
    expect(isInvokeChannel('__proto__')).toBe(false);
    expect(isInvokeChannel('constructor')).toBe(false);
    expect(Object.keys(invokeChannels).length).toBeGreaterThan(20);
  });
});
