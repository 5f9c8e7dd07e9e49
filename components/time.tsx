import { daysUntil, formatDate, formatDateTime, formatDay, formatDue, formatRelative } from '@/lib/ui/format';

// Every date on screen goes through here: relative where that is what people want to know ("2 hours ago",
// "in 3 days"), the exact date and time in the tooltip. The server renders in its time zone and the browser in
// the viewer's, so the text may differ by a few minutes or hours between the two: the browser's wins.

export function Time({ value, mode = 'relative', fallback = '—' }: { value: string | null | undefined; mode?: 'relative' | 'date' | 'datetime'; fallback?: string }) {
  if (!value) return <span className="muted">{fallback}</span>;
  const text = mode === 'relative' ? formatRelative(value) : mode === 'date' ? formatDate(value) : formatDateTime(value);
  const title = mode === 'relative' ? formatDateTime(value) : formatRelative(value);
  return (
    <time dateTime={value} title={title} suppressHydrationWarning>
      {text}
    </time>
  );
}

// A calendar day such as a due date: "Due tomorrow", "Due Jun 30", overdue ones marked.
export function DueDate({ day, prefix = 'Due', className, overdueClassName }: { day: string; prefix?: string; className?: string; overdueClassName?: string }) {
  const overdue = daysUntil(day) < 0;
  return (
    <time
      dateTime={day}
      title={`${prefix} ${formatDay(day)}${overdue ? ' (overdue)' : ''}`}
      className={[className, overdue ? overdueClassName : undefined].filter(Boolean).join(' ') || undefined}
      suppressHydrationWarning
    >
      {prefix} {formatDue(day)}
    </time>
  );
}
