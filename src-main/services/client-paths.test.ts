// What browser clients see of host paths: the workspace relative to itself, the app's folders and home by short names.
import { describe, expect, it } from 'vitest';
import { fieldOf } from './dispatch';
import { lastFault } from './jobs/supervisor';
import { pathHider } from './client-paths';

describe('pathHider', () => {
  const hide = pathHider([
    { path: '/home/ana/work/ws', name: 'ws', prefix: '' },
    { path: '/home/ana/.config/espalier', name: "Espalier's data folder", prefix: "(Espalier's data folder)/" },
    { path: '/home/ana', name: '~', prefix: '~/' },
  ]);

  it('rewrites every string deep in a value, longest root first, whole path segments only', () => {
    expect(
      hide({
        folder: '/home/ana/work/ws/exports/mine/tiny',
        workspace: '/home/ana/work/ws',
        lines: [{ line: 'saved /home/ana/work/ws/models/m1/config.json and /home/ana/notes.txt' }],
        font: '/home/ana/.config/espalier/fonts',
        other: '/home/ana/work/ws2/x',
        n: 3,
        nothing: null,
      }),
    ).toEqual({
      folder: 'exports/mine/tiny',
      workspace: 'ws',
      lines: [{ line: 'saved models/m1/config.json and ~/notes.txt' }],
      font: "(Espalier's data folder)/fonts",
      other: '~/work/ws2/x',
      n: 3,
      nothing: null,
    });
  });
});

describe('fieldOf', () => {
  it('names the request field a user error starts with, and nothing else', () => {
    expect(fieldOf('dest: exports go into …', { id: 'm', dest: '../x' })).toBe('dest');
    expect(
      fieldOf('spec.data.corpora[0].train: host file paths are not accepted', {
        spec: { data: { corpora: [{ train: '/x' }] } },
      }),
    ).toBe('spec.data.corpora[0].train');
    expect(fieldOf('model: not a field of this request', { id: 'm' })).toBeNull();
    expect(fieldOf('/tmp/x.json: not found', { dest: 'x' })).toBeNull();
  });
});

describe('lastFault', () => {
  it('is the last error-like line of a dead worker, never a warning', () => {
    const tail = [
      'Error: out of memory while allocating 4 GB',
      'Warning: Dawn: vkCreateInstance at ../../third_party/dawn/src/x.cpp:201',
      '(node:12) Warning: something',
    ].join('\n');
    expect(lastFault(tail)).toBe('Error: out of memory while allocating 4 GB');
    expect(lastFault('Warning: Dawn: a note\nWarning: Dawn: another note\n')).toBe('');
  });
});
