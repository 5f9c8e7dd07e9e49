import { Text } from '@react-email/components';
import type { EmailMessage } from '../messages';
import { EmailLayout, styles } from './layout';

type Notice = Extract<EmailMessage, { template: 'billing-notice' }>;

export function billingNoticeSubject(message: Notice): string {
  switch (message.stage) {
    case 'payment_failed':
      return `Payment for ${message.brand} is overdue`;
    case 'reminder':
      return `Reminder: ${message.brand} has an unpaid invoice`;
    case 'final_reminder':
      return `Final reminder: ${message.brand} will be suspended tomorrow`;
    case 'suspended':
      return `${message.brand} is suspended for an unpaid invoice`;
  }
}

export function BillingNoticeEmail({ message }: { message: Notice }) {
  const suspendOn = new Date(message.suspendOn).toUTCString().replace(/ \d\d:\d\d:\d\d GMT$/, '');
  const suspended = message.stage === 'suspended';
  return (
    <EmailLayout
      brand={message.brand}
      preview={billingNoticeSubject(message)}
      heading={billingNoticeSubject(message)}
      action={{ label: 'Review billing', url: message.url }}
      footer={`You receive this because you manage billing for ${message.brand} on Reflex.`}
    >
      {suspended ? (
        <Text style={styles.text}>
          The invoice of {message.amount} is still unpaid, so {message.brand} is now suspended. Members can still sign in, read and export
          their data; uploads, edits and AI answers resume as soon as the invoice is paid. Nothing has been deleted.
        </Text>
      ) : (
        <Text style={styles.text}>
          The invoice of {message.amount} for {message.brand} has not been paid. Unless it is paid by {suspendOn}, the organization will be
          suspended: members will only be able to read and export their data.
        </Text>
      )}
    </EmailLayout>
  );
}
