// Human units for the operator console: money in dollars, margins in percent, months by name.

const USD = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' });
const USD_ROUND = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', maximumFractionDigits: 0 });
const MONTH = new Intl.DateTimeFormat('en-US', { month: 'short', year: 'numeric', timeZone: 'UTC' });
const MONTH_LONG = new Intl.DateTimeFormat('en-US', { month: 'long', year: 'numeric', timeZone: 'UTC' });

export const money = (cents: number) => USD.format(cents / 100);
export const moneyRound = (cents: number) => USD_ROUND.format(Math.round(cents / 100));
export const percent = (fraction: number | null, digits = 1) => (fraction === null ? '—' : `${(fraction * 100).toFixed(digits)} %`);
export const monthLabel = (month: string) => MONTH.format(new Date(`${month}T00:00:00Z`));
export const monthLong = (month: string) => MONTH_LONG.format(new Date(`${month}T00:00:00Z`));

export const PLAN_LABEL: Record<string, string> = { standard: 'Standard', professional: 'Professional', enterprise: 'Enterprise' };

// Who did a platform action, as the operator-action log stores it.
export const actorLabel = (actor: string) => (actor === 'cli' ? 'Command line' : actor === 'platform token' ? 'Platform token (automation)' : actor);
