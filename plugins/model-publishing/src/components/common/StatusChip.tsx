import {
  StatusAborted,
  StatusError,
  StatusOK,
  StatusPending,
  StatusRunning,
  StatusWarning,
} from '@backstage/core-components';
import type {
  ApiKeyInfo,
  PublicationStatus,
} from '@model-publishing/plugin-model-publishing-common';

const LABELS: Record<PublicationStatus, string> = {
  publishing: 'Publishing',
  published: 'Published',
  updating: 'Updating',
  degraded: 'Degraded',
  failed: 'Failed',
  unpublishing: 'Unpublishing',
  unpublished: 'Not published',
};

export function statusLabel(status: PublicationStatus | undefined): string {
  return status ? LABELS[status] : LABELS.unpublished;
}

/** Publication status with the theme's status colours (core-components Status*, light and dark safe). */
export function PublicationStatusLabel(props: { status?: PublicationStatus }) {
  const text = statusLabel(props.status);
  switch (props.status) {
    case 'published':
      return <StatusOK>{text}</StatusOK>;
    case 'publishing':
    case 'updating':
    case 'unpublishing':
      return <StatusRunning>{text}</StatusRunning>;
    case 'degraded':
      return <StatusWarning>{text}</StatusWarning>;
    case 'failed':
      return <StatusError>{text}</StatusError>;
    default:
      return <StatusAborted>{text}</StatusAborted>;
  }
}

export function KeyStatusLabel(props: { status: ApiKeyInfo['status'] }) {
  switch (props.status) {
    case 'active':
      return <StatusOK>Active</StatusOK>;
    case 'grace':
      return <StatusPending>Grace period</StatusPending>;
    case 'expired':
      return <StatusWarning>Expired</StatusWarning>;
    default:
      return <StatusAborted>Revoked</StatusAborted>;
  }
}
