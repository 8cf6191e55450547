/** Where the demo sign-in page remembers who the person chose to be (embedded portal only). */
export const DEMO_USER_STORAGE_KEY = 'model-publishing-demo-user';
export const DEMO_USER_HEADER = 'x-demo-user';

export interface DemoUser {
  name: string;
  displayName: string;
  description?: string;
}

export function readChosenDemoUser(): string | undefined {
  try {
    return window.localStorage.getItem(DEMO_USER_STORAGE_KEY) ?? undefined;
  } catch {
    return undefined;
  }
}

export function chooseDemoUser(name: string | undefined) {
  if (name) window.localStorage.setItem(DEMO_USER_STORAGE_KEY, name);
  else window.localStorage.removeItem(DEMO_USER_STORAGE_KEY);
}
