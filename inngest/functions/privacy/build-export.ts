import { inngest } from '@/inngest/client';
import { privacyExportRequested } from '@/lib/events/privacy';
import { assembleExport, markExportFailed, startExport, writeExportSection } from '@/lib/privacy/export-build';
import { logger } from '@/lib/log';

// start → one step per section (profiles, memberships, documents, tasks, conversations and their turns, API keys,
// audit, usage) → assemble.
// Each section step stores its part in the blob store and bumps the export's progress; a retried run resumes
// after the sections already memoized. Step results are names and counts only.
export const buildPrivacyExport = inngest.createFunction(
  {
    id: 'build-privacy-export',
    name: 'Build a GDPR data export',
    triggers: [privacyExportRequested],
    retries: 3,
    concurrency: [{ key: 'event.data.tenantId', limit: 1 }],
    onFailure: async ({ event, error, step }) => {
      const parsed = privacyExportRequested.schema.safeParse(event.data.event.data);
      if (!parsed.success) {
        logger.error('build-privacy-export failed for an unreadable event', { error: error.message });
        return;
      }
      await step.run('mark-failed', () => markExportFailed(parsed.data.tenantId, parsed.data.exportId, error.message));
    },
  },
  async ({ event, step }) => {
    const { tenantId, exportId } = event.data;
    const plan = await step.run('start', () => startExport(tenantId, exportId));
    if (!plan) return { exportId, stopped: 'not-found' };
    let items = 0;
    for (let i = 0; i < plan.sections.length; i++) {
      const written = await step.run(`section-${plan.sections[i]}`, () => writeExportSection(tenantId, exportId, plan, i));
      items += written.count;
    }
    const archive = await step.run('assemble', () => assembleExport(tenantId, exportId, plan));
    return { exportId, items, sizeBytes: archive.sizeBytes };
  },
);
