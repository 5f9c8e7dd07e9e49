import type { StatusSnapshot } from '@/lib/health';
import { formatDay, formatDuration, formatUptime } from '@/lib/ui/format';
import styles from './status.module.css';

type Uptime = NonNullable<StatusSnapshot['components'][number]['uptime']>;

// Green: no downtime; amber: under 1% of the day; red: more; grey: nobody was watching.
function dayTone(percent: number | null): string | undefined {
  if (percent === null) return styles.disabled;
  if (percent >= 100) return styles.up;
  return percent >= 99 ? styles.degraded : styles.down;
}

function dayTitle(day: Uptime['days'][number]): string {
  if (day.percent === null) return `${formatDay(day.date)}: no data`;
  const down = day.downtimeMs > 0 ? `${formatDuration(day.downtimeMs)} down` : 'no downtime';
  return `${formatDay(day.date)}: ${formatUptime(day.percent)} uptime, ${down}`;
}

export function UptimeBar({ uptime, days, label }: { uptime: Uptime; days: number; label: string }) {
  return (
    <div className={styles.uptime}>
      <ol className={styles.uptimeDays} aria-label={`${label}: uptime per day, last ${days} days`}>
        {uptime.days.map((d) => (
          <li key={d.date} className={`${styles.uptimeDay} ${dayTone(d.percent) ?? ''}`} title={dayTitle(d)} data-date={d.date} />
        ))}
      </ol>
      <p className={styles.uptimeLegend}>
        <span>{days} days ago</span>
        <span data-uptime={uptime.percent ?? ''}>
          {formatUptime(uptime.percent)} uptime{uptime.downtimeMs > 0 ? ` · ${formatDuration(uptime.downtimeMs)} down` : ''}
        </span>
        <span>Today</span>
      </p>
    </div>
  );
}
