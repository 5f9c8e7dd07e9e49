import { Text } from '@react-email/components';
import type { EmailMessage } from '../messages';
import { EmailLayout, styles } from './layout';

type Of<T extends EmailMessage['template']> = Extract<EmailMessage, { template: T }>;

const greeting = (name: string) => (name ? `Hi ${name},` : 'Hi,');

export function VerifyEmail({ message }: { message: Of<'verify-email'> }) {
  return (
    <EmailLayout
      brand={message.brand}
      preview="Confirm your email address"
      heading="Confirm your email address"
      action={{ label: 'Confirm email address', url: message.url }}
      footer={`This link confirms ${message.to} for your ${message.brand} account. If you did not create an account, ignore this email.`}
    >
      <Text style={styles.text}>{greeting(message.name)}</Text>
      <Text style={styles.text}>Confirm that this is your address to join organizations you are invited to.</Text>
    </EmailLayout>
  );
}

export function ResetPasswordEmail({ message }: { message: Of<'reset-password'> }) {
  return (
    <EmailLayout
      brand={message.brand}
      preview="Reset your password"
      heading="Reset your password"
      action={{ label: 'Choose a new password', url: message.url }}
      footer={`If you did not ask for this, ignore this email: your password stays as it is. The link works once, for ${message.expiresInMinutes} minutes.`}
    >
      <Text style={styles.text}>{greeting(message.name)}</Text>
      <Text style={styles.text}>
        Someone asked to reset the password of your {message.brand} account. Choosing a new password signs you out everywhere.
      </Text>
    </EmailLayout>
  );
}

export function ChangeEmailConfirmation({ message }: { message: Of<'change-email'> }) {
  return (
    <EmailLayout
      brand={message.brand}
      preview={`Confirm the change of your email address to ${message.newEmail}`}
      heading="Confirm your new email address"
      action={{ label: `Yes, change it to ${message.newEmail}`, url: message.url }}
      footer="If you did not ask for this, ignore this email and consider changing your password: nothing changes until you confirm."
    >
      <Text style={styles.text}>{greeting(message.name)}</Text>
      <Text style={styles.text}>
        Someone asked to change the email address of your {message.brand} account from {message.to} to {message.newEmail}. Once you confirm, we send a link to
        the new address, and the change takes effect when it is opened there.
      </Text>
    </EmailLayout>
  );
}
