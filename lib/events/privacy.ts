import { z } from 'zod';
import { defineEvent } from './define';

// A data export was requested (POST /api/v1/privacy/exports). Sent only after the row committed; the event id is
// `privacy-export-<id>`, so a repeated send never builds the archive twice.
export const privacyExportRequested = defineEvent('privacy/export-requested', {
  exportId: z.uuid(),
});
