import { GRACE_DAYS, REMINDER_DAYS, addDays, daysBetween } from './plans';

export type NoticeStage = 'payment_failed' | 'reminder' | 'final_reminder' | 'suspended';

export interface DunningState {
  status: 'active' | 'past_due' | 'suspended';
  pastDueSince: Date | null;
  remindersSent: number;
}

export interface DunningDecision {
  // Reminders owed now. A job that did not run for days sends only the latest one owed, not a burst.
  notice: NoticeStage | null;
  remindersSent: number;
  suspend: boolean;
  suspendOn: Date | null;
}

const STAGE_BY_INDEX: readonly NoticeStage[] = ['payment_failed', 'reminder', 'final_reminder'];

// Pure: what the grace period asks for at `now`. The cron job applies it; tests drive it with any clock.
export function decideDunning(state: DunningState, now: Date): DunningDecision {
  if (state.status !== 'past_due' || !state.pastDueSince) {
    return { notice: null, remindersSent: state.remindersSent, suspend: false, suspendOn: null };
  }
  const suspendOn = addDays(state.pastDueSince, GRACE_DAYS);
  if (now.getTime() >= suspendOn.getTime()) {
    return { notice: 'suspended', remindersSent: state.remindersSent, suspend: true, suspendOn };
  }
  const day = daysBetween(state.pastDueSince, now);
  const owed = REMINDER_DAYS.filter((d) => d <= day).length;
  if (owed <= state.remindersSent) return { notice: null, remindersSent: state.remindersSent, suspend: false, suspendOn };
  return { notice: STAGE_BY_INDEX[owed - 1] ?? 'reminder', remindersSent: owed, suspend: false, suspendOn };
}
