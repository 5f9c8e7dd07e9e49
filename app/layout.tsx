import type { Metadata, Viewport } from 'next';
import type { ReactNode } from 'react';
import './globals.css';
import '@/components/styles/shell.css';
import '@/components/styles/pages.css';
import '@/components/styles/identity.css';

export const metadata: Metadata = {
  title: { default: 'Reflex', template: '%s · Reflex' },
  description: 'Multi-tenant AI assistant: documents, search, answers and tasks',
};

export const viewport: Viewport = {
  width: 'device-width',
  initialScale: 1,
  themeColor: '#4f46e5',
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>{children}</body>
    </html>
  );
}
