import { useSyncExternalStore } from 'react';

const subscribe = () => () => {};

// False in the server render and until React has hydrated. Forms keep their submit button disabled until then:
// a submit before hydration would be a native GET that puts the fields (a password) in the URL.
export function useHydrated(): boolean {
  return useSyncExternalStore(
    subscribe,
    () => true,
    () => false,
  );
}
