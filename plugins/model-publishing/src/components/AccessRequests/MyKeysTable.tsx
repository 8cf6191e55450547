import Button from '@material-ui/core/Button';
import { Link, Table, type TableColumn } from '@backstage/core-components';
import type {
  AccessRequest,
  ConsumerKey,
} from '@model-publishing/plugin-model-publishing-common';
import { describeLimits, shortRef } from './format';

/** The caller's keys: model, consumer, plan, limits, expiry, last use. Never the key itself. */
export function MyKeysTable(props: { keys: ConsumerKey[]; title?: string }) {
  const columns: TableColumn<ConsumerKey>[] = [
    {
      title: 'Model',
      render: k => {
        const [kind, rest] = (k.entityRef ?? '').split(':');
        const [ns, name] = (rest ?? '').split('/');
        return k.entityRef ? (
          <Link to={`/catalog/${ns}/${kind}/${name}`}>{name}</Link>
        ) : (
          k.name
        );
      },
    },
    { title: 'Key for', render: k => shortRef(k.consumerRef) },
    { title: 'Plan', render: k => k.planName ?? 'default' },
    { title: 'Limits', render: k => describeLimits(k.rateLimits) },
    { title: 'Key', render: k => `${k.key.name} (${k.key.prefix}…)` },
    {
      title: 'Status',
      render: k => (k.suspended ? 'suspended' : k.key.status),
    },
    {
      title: 'Expires',
      render: k =>
        k.key.expiresAt
          ? new Date(k.key.expiresAt).toLocaleDateString()
          : 'never',
    },
    {
      title: 'Last used',
      render: k =>
        k.key.lastUsedAt
          ? new Date(k.key.lastUsedAt).toLocaleString()
          : 'never',
    },
  ];
  return (
    <Table
      title={props.title ?? 'My keys'}
      options={{ search: false, paging: false, padding: 'dense' }}
      columns={columns}
      data={props.keys}
      emptyContent={
        <div style={{ padding: 16 }}>
          No keys yet: request access on a model's Access tab.
        </div>
      }
    />
  );
}

/** The caller's requests; an approved one has a button to collect its key (shown once). */
export function MyRequestsTable(props: {
  requests: AccessRequest[];
  onCollect: (r: AccessRequest) => void;
}) {
  const columns: TableColumn<AccessRequest>[] = [
    { title: 'Model', render: r => shortRef(r.entityRef) },
    { title: 'Key for', render: r => shortRef(r.consumerRef) },
    { title: 'Plan', field: 'planName' },
    { title: 'Status', field: 'status' },
    {
      title: 'Decision',
      render: r => {
        if (r.reason) return `Denied: ${r.reason}`;
        return r.decidedBy ? `by ${shortRef(r.decidedBy)}` : '';
      },
    },
    {
      title: 'Key',
      render: r =>
        r.status === 'approved' ? (
          <Button
            size="small"
            color="primary"
            variant="contained"
            onClick={() => props.onCollect(r)}
          >
            Show my key
          </Button>
        ) : null,
    },
  ];
  return (
    <Table
      title="My requests"
      options={{ search: false, paging: false, padding: 'dense' }}
      columns={columns}
      data={props.requests}
      emptyContent={<div style={{ padding: 16 }}>No requests.</div>}
    />
  );
}
