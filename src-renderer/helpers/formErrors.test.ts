// Form validation reuses the contract's schemas and words their complaints for people.
import { describe, expect, it } from 'vitest';
import { invokeChannels, SamplingParams } from '../../src-shared/contract';
import { toNum, validate } from './formErrors';

describe('validate', () => {
  it('keys errors by dotted field path, in plain words', () => {
    const r = validate(invokeChannels['projects.create'].req, { name: '  ' });
    expect(r).toEqual({ ok: false, errors: { name: 'Required.' } });
    const s = validate(SamplingParams, { maxTokens: toNum(''), temperature: 9, topK: 1.5, topP: 0 });
    expect(s.errors).toEqual({
      maxTokens: 'Enter a number.',
      temperature: 'At most 5.',
      topK: 'Enter a whole number.',
      topP: 'Must be more than 0.',
    });
    const e = validate(invokeChannels['evals.start'].req, {
      projectId: 'p',
      modelIds: [],
      datasetId: 'd',
      task: 'mc',
      protocol: 'loglik',
    });
    expect(e.errors).toEqual({ modelIds: 'Choose at least 1.' });
  });

  it('returns the parsed value with defaults when valid', () => {
    const r = validate(SamplingParams, {});
    expect(r.ok && r.value).toEqual({ maxTokens: 64, temperature: 0.8, topK: 40, topP: 0.95, seed: 1 });
  });
});
