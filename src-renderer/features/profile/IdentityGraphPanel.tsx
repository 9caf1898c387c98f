// The identity graph on the profile: the contact, what linked it (campaigns, forms, by hand) and the
// browsers and identifiers linked, tentative links dashed. Every node takes the keyboard focus and
// says what it is; the line under the picture repeats it for whoever cannot see the drawing.
import { Stack, Text, Title } from '@mantine/core';
import { useLiveQuery } from 'dexie-react-hooks';
import { useState } from 'react';
import type { StitchDb } from '../../db';
import { mergedFamily } from '../../db/stats';
import type { CampaignRow, VisitorRow } from '../../db/types';
import { appDb } from '../../state/db';
import { buildIdentityGraph, type GraphNode, type IdentityGraph } from './identity-graph';

async function graphOf(db: StitchDb, contactId: string, contactName: string): Promise<IdentityGraph> {
  const family = await mergedFamily(db.contacts, contactId);
  const [links, tentative] = await Promise.all([
    db.identities.where('contactId').anyOf(family).toArray(),
    db.tentativeLinks.where('contactId').anyOf(family).toArray(),
  ]);
  const visitorIds = [
    ...new Set([
      ...links.filter((l) => l.kind === 'visitor').map((l) => l.value),
      ...tentative.map((t) => t.visitorId),
    ]),
  ];
  const campaignIds = [
    ...new Set(
      [...links.map((l) => l.campaignId), ...tentative.map((t) => t.campaignId)].filter(
        (id) => id !== undefined,
      ),
    ),
  ];
  const [visitors, campaigns] = await Promise.all([
    db.visitors.bulkGet(visitorIds),
    db.campaigns.bulkGet(campaignIds),
  ]);
  return buildIdentityGraph({
    contactName,
    links,
    tentative,
    visitors: new Map(visitors.filter((v): v is VisitorRow => !!v).map((v) => [v.id, v])),
    campaigns: new Map(campaigns.filter((c): c is CampaignRow => !!c).map((c) => [c.id, c])),
  });
}

/**
 * Room each side of the layout's square for the labels of its leftmost and rightmost nodes: a
 * label of 28 characters at 11 px runs about 75 px either side of its node.
 */
const LABEL_ROOM = 80;

const FILL: Record<GraphNode['kind'], string> = {
  contact: '#1c7ed6',
  cause: '#f1f3f5',
  browser: '#ffffff',
  identifier: '#ffffff',
};

export function IdentityGraphPanel(props: { contactId: string; contactName: string }) {
  const db = appDb();
  const graph = useLiveQuery(
    () => graphOf(db, props.contactId, props.contactName),
    [db, props.contactId, props.contactName],
  );
  const [focused, setFocused] = useState<GraphNode | undefined>();
  if (!graph || graph.nodes.length <= 1) return null;
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const near = (edge: { from: string; to: string }) =>
    focused !== undefined && (edge.from === focused.id || edge.to === focused.id);
  return (
    <Stack gap="xs" component="section" aria-labelledby="graph-heading">
      <Title order={3} id="graph-heading">
        Identity graph
      </Title>
      <svg
        viewBox={`${-LABEL_ROOM} 0 ${graph.size + 2 * LABEL_ROOM} ${graph.size}`}
        width="100%"
        style={{ maxWidth: graph.size + 2 * LABEL_ROOM }}
      >
        <title>{`How ${props.contactName}'s browsers and identifiers are linked`}</title>
        {graph.edges.map((edge) => {
          const from = byId.get(edge.from);
          const to = byId.get(edge.to);
          if (!from || !to) return null;
          return (
            <g key={edge.id}>
              <line
                x1={from.x}
                y1={from.y}
                x2={to.x}
                y2={to.y}
                stroke={edge.tentative ? '#c92a2a' : '#495057'}
                strokeWidth={near(edge) ? 2.5 : 1.2}
                strokeDasharray={edge.tentative ? '5 4' : undefined}
              />
              {edge.label && (
                <text
                  x={(from.x + to.x) / 2}
                  y={(from.y + to.y) / 2 - 4}
                  fontSize={10}
                  fill="#343a40"
                  textAnchor="middle"
                >
                  {edge.label}
                </text>
              )}
            </g>
          );
        })}
        {graph.nodes.map((node) => (
          // biome-ignore lint/a11y/useSemanticElements: an SVG node cannot be an HTML button
          <g
            key={node.id}
            tabIndex={0}
            role="button"
            aria-label={`${node.label}, ${node.description}`}
            onFocus={() => setFocused(node)}
            onClick={() => setFocused(node)}
            onKeyDown={(event) => {
              if (event.key === 'Enter' || event.key === ' ') setFocused(node);
            }}
            onMouseEnter={() => setFocused(node)}
            style={{ outline: 'none' }}
          >
            <circle
              cx={node.x}
              cy={node.y}
              r={node.kind === 'contact' ? 26 : 16}
              fill={FILL[node.kind]}
              stroke={focused?.id === node.id ? '#1c7ed6' : '#495057'}
              strokeWidth={focused?.id === node.id ? 3 : 1}
            />
            <text
              x={node.x}
              y={node.y + (node.kind === 'contact' ? 42 : 30)}
              fontSize={11}
              fill="#212529"
              textAnchor="middle"
            >
              {node.label.length > 28 ? `${node.label.slice(0, 27)}…` : node.label}
            </text>
          </g>
        ))}
      </svg>
      <Text size="xs" aria-live="polite">
        {focused
          ? `${focused.label}, ${focused.description}: ${
              graph.edges
                .filter((e) => e.to === focused.id || e.from === focused.id)
                .map((e) => e.label)
                .filter(Boolean)
                .join('; ') || 'the contact'
            }`
          : 'Tab through the nodes to read each link; dashed lines are tentative links.'}
      </Text>
    </Stack>
  );
}
