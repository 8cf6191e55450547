export { RequestAccessForm } from './RequestAccessForm';
export { ModelAccessContent } from './ModelAccessContent';
export { AccessRequestsTable } from './AccessRequestsTable';
export { ConsumersTable } from './ConsumersTable';
export { OwnerAccessPanel } from './OwnerAccessPanel';
