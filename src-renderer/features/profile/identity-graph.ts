// The identity graph's model and layout, pure: a contact in the middle, the campaigns, forms and
// hands that linked it on an inner ring, the browsers and identifiers they linked on an outer ring;
// edges carry source, time and confidence, and tentative ones are marked so they can be drawn dashed.
import type { CampaignRow, IdentityRow, TentativeLinkRow, VisitorRow } from '../../db/types';
import { describeDevice } from '../../stitching/device';

export interface GraphNode {
  id: string;
  kind: 'contact' | 'cause' | 'browser' | 'identifier';
  label: string;
  /** Said after the label, for screen readers and the details line: "Ana, the contact". */
  description: string;
  x: number;
  y: number;
}

export interface GraphEdge {
  id: string;
  from: string;
  to: string;
  label: string;
  tentative: boolean;
}

export interface IdentityGraph {
  nodes: GraphNode[];
  edges: GraphEdge[];
  size: number;
}

export interface GraphInput {
  contactName: string;
  links: readonly IdentityRow[];
  tentative: readonly TentativeLinkRow[];
  visitors: ReadonlyMap<string, VisitorRow>;
  campaigns: ReadonlyMap<string, CampaignRow>;
}

const SOURCE_NAME: Record<IdentityRow['source'], string> = {
  sms_click: 'SMS click',
  whatsapp_click: 'WhatsApp click',
  email_click: 'Email click',
  form: 'Form',
  identify: 'Website identify',
  manual: 'By hand',
  import: 'Import',
};

const shortDate = (t: number): string => new Date(t).toISOString().slice(0, 10);
const percent = (c: number | undefined): string => (c === undefined ? '' : ` · ${Math.round(c * 100)}%`);

/** Lays the graph out in a square of side `size`; up to ~50 nodes stay readable. */
export function buildIdentityGraph(input: GraphInput, size = 560): IdentityGraph {
  const center = size / 2;
  const nodes = new Map<string, GraphNode>();
  const edges: GraphEdge[] = [];
  const causeOf = (link: {
    source: string;
    campaignId?: string | undefined;
  }): { id: string; label: string } => {
    if (link.campaignId) {
      const campaign = input.campaigns.get(link.campaignId);
      return { id: `cause:campaign:${link.campaignId}`, label: campaign?.name ?? 'Deleted campaign' };
    }
    const name = SOURCE_NAME[link.source as IdentityRow['source']] ?? link.source;
    return { id: `cause:${link.source}`, label: name };
  };
  const target = (kind: IdentityRow['kind'], value: string): GraphNode => {
    const id = `${kind}:${value}`;
    let node = nodes.get(id);
    if (!node) {
      const visitor = kind === 'visitor' ? input.visitors.get(value) : undefined;
      const device = kind === 'visitor' ? describeDevice(visitor?.userAgent).label : '';
      node = {
        id,
        kind: kind === 'visitor' ? 'browser' : 'identifier',
        label: kind === 'visitor' ? `${device} ${value.slice(0, 6)}` : value,
        description: kind === 'visitor' ? `browser ${value.slice(0, 8)}` : kind,
        x: 0,
        y: 0,
      };
      nodes.set(id, node);
    }
    return node;
  };
  const causes = new Map<string, GraphNode>();
  const causeNode = (link: { source: string; campaignId?: string | undefined }): GraphNode => {
    const { id, label } = causeOf(link);
    let node = causes.get(id);
    if (!node) {
      node = { id, kind: 'cause', label, description: 'what linked them', x: 0, y: 0 };
      causes.set(id, node);
    }
    return node;
  };

  for (const link of input.links) {
    if (link.revokedAt !== null) continue;
    const cause = causeNode(link);
    const node = target(link.kind, link.value);
    edges.push({
      id: link.id,
      from: cause.id,
      to: node.id,
      label: `${SOURCE_NAME[link.source]} ${shortDate(link.from)}${percent(link.confidence)}`,
      tentative: false,
    });
  }
  for (const link of input.tentative) {
    if (link.status !== 'tentative') continue;
    const cause = causeNode({ source: 'sms_click', campaignId: link.campaignId });
    const node = target('visitor', link.visitorId);
    edges.push({
      id: `tentative:${link.id}`,
      from: cause.id,
      to: node.id,
      label: `tentative ${shortDate(link.at)}${percent(link.confidence)}`,
      tentative: true,
    });
  }

  const contact: GraphNode = {
    id: 'contact',
    kind: 'contact',
    label: input.contactName,
    description: 'the contact',
    x: center,
    y: center,
  };
  const ring = (list: GraphNode[], radius: number, offset = 0) => {
    list.forEach((node, i) => {
      const angle = offset + (2 * Math.PI * i) / Math.max(1, list.length) - Math.PI / 2;
      node.x = Math.round(center + radius * Math.cos(angle));
      node.y = Math.round(center + radius * Math.sin(angle));
    });
  };
  const causeList = [...causes.values()];
  ring(causeList, size * 0.2);
  // Outer nodes in the order of the first cause that links them, so edges cross as little as possible.
  const order = new Map(causeList.map((c, i) => [c.id, i]));
  const firstCause = (node: GraphNode) =>
    Math.min(...edges.filter((e) => e.to === node.id).map((e) => order.get(e.from) ?? 0));
  const outer = [...nodes.values()].sort((a, b) => firstCause(a) - firstCause(b) || a.id.localeCompare(b.id));
  ring(outer, size * 0.4, causeList.length > 0 ? 0 : Math.PI / 8);
  for (const cause of causeList) {
    edges.push({ id: `contact:${cause.id}`, from: contact.id, to: cause.id, label: '', tentative: false });
  }
  return { nodes: [contact, ...causeList, ...outer], edges, size };
}
