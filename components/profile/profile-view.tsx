'use client';

import { PageHeader } from '@/components/ui';
import { EmailCard, NameCard, PasswordCard } from './account-cards';
import { SessionsCard } from './sessions-card';
import { TwoFactorCard } from './two-factor-card';

export function ProfileView({ mfaRequired }: { mfaRequired: 'organization' | 'operator' | null }) {
  return (
    <>
      <PageHeader title="Profile" description="Your account: how you sign in, and where you are signed in." />
      <div className="profile-grid">
        <div className="profile-wide">
          <TwoFactorCard required={mfaRequired} />
        </div>
        <NameCard />
        <EmailCard />
        <PasswordCard />
        <div className="profile-wide">
          <SessionsCard />
        </div>
      </div>
    </>
  );
}
