import { Body, Button, Container, Head, Heading, Hr, Html, Preview, Section, Text } from '@react-email/components';
import type { ReactNode } from 'react';

const colors = { brand: '#4f46e5', text: '#1f2937', muted: '#6b7280', border: '#e5e7eb', page: '#f5f6fa' };

export const styles = {
  text: { color: colors.text, fontSize: '15px', lineHeight: '24px', margin: '0 0 16px' },
  muted: { color: colors.muted, fontSize: '13px', lineHeight: '20px', margin: '0 0 8px' },
  link: { color: colors.brand, wordBreak: 'break-all' as const, fontSize: '13px' },
};

// The frame every email shares: the sender's name on top (the organization for invitations, the deployment's
// sender name for account emails), one call to action, and a footer saying why it was sent.
export function EmailLayout({ brand, preview, heading, children, action, footer }: {
  brand: string;
  preview: string;
  heading: string;
  children: ReactNode;
  action: { label: string; url: string };
  footer: string;
}) {
  return (
    <Html lang="en">
      <Head />
      <Preview>{preview}</Preview>
      <Body style={{ backgroundColor: colors.page, fontFamily: '-apple-system, Segoe UI, Roboto, Helvetica, Arial, sans-serif', margin: 0, padding: '24px 0' }}>
        <Container style={{ backgroundColor: '#ffffff', border: `1px solid ${colors.border}`, borderRadius: '10px', maxWidth: '520px', padding: '32px' }}>
          <Text style={{ color: colors.brand, fontSize: '14px', fontWeight: 700, letterSpacing: '0.02em', margin: '0 0 24px' }}>{brand}</Text>
          <Heading as="h1" style={{ color: colors.text, fontSize: '22px', lineHeight: '30px', margin: '0 0 16px' }}>
            {heading}
          </Heading>
          {children}
          <Section style={{ margin: '24px 0' }}>
            <Button
              href={action.url}
              style={{ backgroundColor: colors.brand, borderRadius: '6px', color: '#ffffff', fontSize: '15px', fontWeight: 600, padding: '12px 20px', textDecoration: 'none' }}
            >
              {action.label}
            </Button>
          </Section>
          <Text style={styles.muted}>If the button does not work, paste this link into your browser:</Text>
          <Text style={styles.link}>{action.url}</Text>
          <Hr style={{ borderColor: colors.border, margin: '24px 0 16px' }} />
          <Text style={styles.muted}>{footer}</Text>
        </Container>
      </Body>
    </Html>
  );
}
