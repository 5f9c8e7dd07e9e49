import { Text } from '@react-email/components';
import type { EmailMessage } from '../messages';
import { EmailLayout, styles } from './layout';

export function InvitationEmail({ message }: { message: Extract<EmailMessage, { template: 'invitation' }> }) {
  const expires = new Date(message.expiresAt).toUTCString().replace(/:\d\d GMT$/, ' UTC');
  return (
    <EmailLayout
      brand={message.brand}
      preview={`Join ${message.brand} on Reflex`}
      heading={`You are invited to join ${message.brand}`}
      action={{ label: `Join ${message.brand}`, url: message.url }}
      footer={`This invitation is for ${message.to} and expires on ${expires}. If you did not expect it, ignore this email.`}
    >
      <Text style={styles.text}>
        {message.inviter ? `${message.inviter} invited you` : 'You have been invited'} to join {message.brand} on Reflex as {message.role}.
      </Text>
      <Text style={styles.text}>Sign in or create an account with {message.to} to accept.</Text>
    </EmailLayout>
  );
}
