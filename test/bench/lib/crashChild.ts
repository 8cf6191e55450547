/* eslint-disable no-console */
/**
 * The process the crash-recovery benchmark kills: runs one operation and, at its Nth cluster write,
 * prints KILLPOINT and waits there (the parent sends SIGKILL). argv[2]: JSON { settings, operation, model, killAt }.
 */
import {
  type InstanceSettings,
  type Operation,
  OWNER,
  PUBLISH,
  startInstance,
  UPDATE,
} from './crashInstance';

async function main() {
  const args = JSON.parse(process.argv[2]) as {
    settings: InstanceSettings;
    operation: Operation;
    model: string;
    killAt: number;
  };
  let writes = 0;
  const s = await startInstance(args.settings, async () => {
    writes++;
    if (writes === args.killAt) {
      console.log('KILLPOINT');
      await new Promise(() => {});
    }
  });
  const model = s.model(args.model);
  console.log('READY');
  if (args.operation === 'publish')
    await s.publishing.publish(model, PUBLISH, OWNER);
  if (args.operation === 'update')
    await s.publishing.update(model, UPDATE, OWNER);
  if (args.operation === 'unpublish')
    await s.publishing.unpublish(model, OWNER);
  console.log('FINISHED (not killed)');
  process.exit(1);
}

main().catch(e => {
  console.error(e);
  process.exit(1);
});
