export { ConnectToolCard } from './ConnectToolCard';
