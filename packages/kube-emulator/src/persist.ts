import fs from 'node:fs';
import path from 'node:path';
import type { Store, StoreSnapshot } from './store';

/** Loads a snapshot written by `persistTo`, if the file exists. */
export function loadSnapshot(file: string): StoreSnapshot | undefined {
  if (!fs.existsSync(file)) return undefined;
  const data = JSON.parse(fs.readFileSync(file, 'utf8'));
  if (!data || !Array.isArray(data.objects)) throw new Error(`${file} is not a kube-emulator snapshot`);
  return data as StoreSnapshot;
}

function writeAtomic(file: string, s: StoreSnapshot) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(s));
  fs.renameSync(tmp, file);
}

/** Writes the store to `file` shortly after each change (debounced); `flush` writes now if pending. */
export function persistTo(store: Store, file: string, debounceMs = 250): { flush(): void; writeNow(): void; stop(): void } {
  let timer: NodeJS.Timeout | undefined;
  const write = () => {
    timer = undefined;
    writeAtomic(file, store.snapshot());
  };
  const unsubscribe = store.subscribe(() => {
    if (!timer) timer = setTimeout(write, debounceMs);
  });
  return {
    writeNow() {
      if (timer) clearTimeout(timer);
      write();
    },
    flush() {
      if (timer) {
        clearTimeout(timer);
        write();
      }
    },
    stop() {
      unsubscribe();
      this.flush();
    },
  };
}
