import type { ReactNode } from 'react';
import type { IconName } from './icons';
import { EmptyState, PageHeader } from './ui';

// Stand-in for sections that later work fills in; each route keeps its own small page file.
export function PlaceholderPage({ title, description, icon, coming }: { title: string; description: string; icon: IconName; coming: ReactNode }) {
  return (
    <>
      <PageHeader title={title} description={description} />
      <section className="card">
        <EmptyState icon={icon} title="Coming soon">
          {coming}
        </EmptyState>
      </section>
    </>
  );
}
