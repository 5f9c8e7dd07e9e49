import { render } from '@react-email/render';
import { createElement, type ReactElement } from 'react';
import type { EmailMessage } from './messages';
import { ChangeEmailConfirmation, ResetPasswordEmail, VerifyEmail } from './templates/account-emails';
import { BillingNoticeEmail, billingNoticeSubject } from './templates/billing-notice-email';
import { InvitationEmail } from './templates/invitation-email';

export interface RenderedEmail {
  subject: string;
  html: string;
  text: string;
}

function compose(message: EmailMessage): { subject: string; element: ReactElement } {
  switch (message.template) {
    case 'verify-email':
      return { subject: `Confirm your email address for ${message.brand}`, element: createElement(VerifyEmail, { message }) };
    case 'reset-password':
      return { subject: `Reset your ${message.brand} password`, element: createElement(ResetPasswordEmail, { message }) };
    case 'change-email':
      return { subject: `Confirm the change of your ${message.brand} email address`, element: createElement(ChangeEmailConfirmation, { message }) };
    case 'invitation':
      return { subject: `You are invited to join ${message.brand}`, element: createElement(InvitationEmail, { message }) };
    case 'billing-notice':
      return { subject: billingNoticeSubject(message), element: createElement(BillingNoticeEmail, { message }) };
  }
}

// One template, two bodies: HTML for mail clients, plain text for the rest (and for spam filters that want both).
export async function renderEmail(message: EmailMessage): Promise<RenderedEmail> {
  const { subject, element } = compose(message);
  const [html, text] = await Promise.all([render(element), render(element, { plainText: true })]);
  return { subject, html, text };
}
