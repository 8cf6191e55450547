import type { LoggerService } from '@backstage/backend-plugin-api';
import type { AuditedAction, AuditLog } from '../audit/AuditLog';
import { errorMessage } from './ClusterSaga';
import type { ModelLocation } from './ModelReader';
import type { OperationContext } from './operationTypes';

/**
 * The audit row of a publish, update or unpublish. Never fails the operation: a row that cannot be
 * written is logged instead (the operation has already happened on the cluster).
 */
export class OperationAudit {
  constructor(
    private readonly o: { auditLog: AuditLog; logger: LoggerService },
  ) {}

  /** The audit of one operation, recorded once it ends. */
  of(action: AuditedAction, model: ModelLocation, op: OperationContext) {
    return {
      succeeded: (publicationId: string) =>
        this.record(action, model, op, 'succeeded', publicationId),
      failed: (publicationId: string, reason: string) =>
        this.record(action, model, op, 'failed', publicationId, reason),
    };
  }

  async record(
    action: AuditedAction,
    model: ModelLocation,
    op: OperationContext,
    outcome: 'succeeded' | 'failed',
    publicationId?: string,
    error?: string,
  ): Promise<void> {
    await this.o.auditLog
      .record({
        actor: op.actor,
        action,
        entityRef: model.entityRef,
        publicationId,
        outcome,
        error,
        request: op.request,
      })
      .catch(e =>
        this.o.logger.error(
          `could not write audit row for ${action}: ${errorMessage(e)}`,
        ),
      );
  }
}
