'use client';

import { createContext, useContext, type ReactNode } from 'react';
import type { Permission } from '@/lib/auth/permissions';
import type { Me } from '@/lib/ui/types';

const MeContext = createContext<Me | null>(null);

export function MeProvider({ me, children }: { me: Me; children: ReactNode }) {
  return <MeContext.Provider value={me}>{children}</MeContext.Provider>;
}

export function useMe(): Me {
  const me = useContext(MeContext);
  if (!me) throw new Error('useMe must be used inside the app shell');
  return me;
}

export function useCan(): (permission: Permission) => boolean {
  const me = useMe();
  return (permission) => me.permissions.includes(permission);
}
