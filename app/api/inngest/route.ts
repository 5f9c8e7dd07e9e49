import { serve } from 'inngest/next';
import { inngest } from '@/inngest/client';
import { functions } from '@/inngest';

// Inngest (Cloud, self-hosted or dev server) calls this endpoint to sync and run functions. With the embedded
// local runner the same handler is driven in-process and this route only answers signed requests, which
// nobody outside the process can make.
export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

export const { GET, POST, PUT } = serve({ client: inngest, functions });
