import { expect, test } from 'vitest';
import { sourceKinds } from './SyncSources';

test('sources group by kind with the oldest sync and the failures', () => {
  const got = sourceKinds([
    { source: 'chat:a', lastSync: '2026-11-22T01:00:00Z' },
    { source: 'chat:b', lastSync: '2026-11-22T00:30:00Z' },
    { source: 'delta:c', lastSync: '0001-01-01T00:00:00Z', state: 'error', error: 'graph: 503' },
    { source: 'dv:incidents', lastSync: '2026-11-22T01:05:00Z' },
  ]);
  expect(got.map((k) => [k.kind, k.count, k.oldest ?? '', k.errors.length])).toEqual([
    ['chat', 2, '2026-11-22T00:30:00Z', 0],
    ['delta', 1, '', 1],
    ['dv', 1, '2026-11-22T01:05:00Z', 0],
  ]);
});
