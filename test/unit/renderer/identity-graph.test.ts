// The identity graph's model: who is in it, what each edge says, and that it stays inside its frame.
import { describe, expect, it } from 'vitest';
import type { CampaignRow, IdentityRow, TentativeLinkRow } from '../../../src-renderer/db/types';
import { buildIdentityGraph } from '../../../src-renderer/features/profile/identity-graph';

const link = (id: string, value: string, extra: Partial<IdentityRow> = {}): IdentityRow => ({
  id,
  kind: 'visitor',
  value,
  contactId: 'ana',
  from: Date.UTC(2026, 2, 1),
  to: null,
  source: 'sms_click',
  campaignId: 'spring',
  createdAt: 0,
  revokedAt: null,
  flags: [],
  confidence: 0.97,
  ...extra,
});

const tentative = (visitorId: string): TentativeLinkRow => ({
  id: `t-${visitorId}`,
  visitorId,
  contactId: 'ana',
  messageId: 'spring:0',
  campaignId: 'spring',
  causeEventId: 'c',
  at: Date.UTC(2026, 2, 1),
  confidence: 0.2,
  evidence: [],
  status: 'tentative',
  updatedAt: 0,
});

describe('identity graph', () => {
  it('shows Ana, what linked her browsers, and her tentative ones as tentative edges', () => {
    const campaigns = new Map<string, CampaignRow>([
      ['spring', { id: 'spring', name: 'Spring Sale', channel: 'sms', createdAt: 0 }],
    ]);
    const graph = buildIdentityGraph({
      contactName: 'Ana',
      links: [
        link('l1', 'phone-1'),
        link('l2', 'laptop-1', { source: 'form', campaignId: undefined, confidence: undefined }),
        link('l3', 'old-1', { revokedAt: 5 }),
      ],
      tentative: [tentative('stranger-1'), { ...tentative('stranger-2'), status: 'rejected' }],
      visitors: new Map(),
      campaigns,
    });
    expect(graph.nodes.map((n) => n.kind)).toEqual([
      'contact',
      'cause',
      'cause',
      'browser',
      'browser',
      'browser',
    ]);
    expect(graph.nodes.find((n) => n.kind === 'cause')?.label).toBe('Spring Sale');
    const edgeLabels = graph.edges.filter((e) => e.label).map((e) => [e.label, e.tentative]);
    expect(edgeLabels).toEqual([
      ['SMS click 2026-03-01 · 97%', false],
      ['Form 2026-03-01', false],
      ['tentative 2026-03-01 · 20%', true],
    ]);
    // A removed link and a rejected one are not drawn.
    expect(graph.nodes.some((n) => n.id.includes('old-1') || n.id.includes('stranger-2'))).toBe(false);
  });

  it('keeps fifty browsers inside the frame, each on its own spot', () => {
    const links = Array.from({ length: 50 }, (_, i) =>
      link(`l${i}`, `browser-${i}`, { campaignId: `c${i % 5}` }),
    );
    const graph = buildIdentityGraph({
      contactName: 'Ana',
      links,
      tentative: [],
      visitors: new Map(),
      campaigns: new Map(),
    });
    expect(graph.nodes).toHaveLength(1 + 5 + 50);
    for (const node of graph.nodes) {
      expect(node.x).toBeGreaterThanOrEqual(0);
      expect(node.x).toBeLessThanOrEqual(graph.size);
      expect(node.y).toBeGreaterThanOrEqual(0);
      expect(node.y).toBeLessThanOrEqual(graph.size);
    }
    expect(new Set(graph.nodes.map((n) => `${n.x},${n.y}`)).size).toBe(graph.nodes.length);
  });
});
