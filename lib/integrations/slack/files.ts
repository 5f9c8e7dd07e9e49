import { randomUUID, createHash } from 'node:crypto';
import { z } from 'zod';
import { withTenant } from '@/lib/db/tenant';
import { sendPipelineJobs } from '@/lib/documents/enqueue';
import { createDocument } from '@/lib/documents/ingest';
import type { PipelineJob } from '@/lib/documents/jobs';
import { uploadLimitFor } from '@/lib/documents/limits';
import { readTenantPlan } from '@/lib/documents/scheduling';
import { detectUploadType } from '@/lib/documents/sniff';
import type { SlackFileSharedData } from '@/lib/events/slack';
import { AppError } from '@/lib/http/errors';
import { deleteTenantBlob, putTenantBlob, tenantBlobKey } from '@/lib/storage';
import { iterateBody } from '@/lib/http/body-stream';
import { providerFetch } from '../http';
import { withAccessToken } from '../connections';
import { callSlack, slackClient } from './client';
import { findLinkedMember } from './links';
import { readSlackSettings } from './settings';

const fileInfoSchema = z.object({
  id: z.string(),
  name: z.string().max(1_000).optional(),
  title: z.string().max(1_000).optional(),
  mimetype: z.string().max(255).optional(),
  size: z.number().int().min(0),
  url_private_download: z.url().optional(),
  url_private: z.url().optional(),
});

export type FileImportOutcome = { status: 'imported'; documentId: string } | { status: 'duplicate' | 'not_synced' | 'too_large' | 'refused'; reason?: string };

class TooLarge extends Error {}

type Fetched = { kind: 'refused' } | { kind: 'too_large' } | { kind: 'file'; info: z.infer<typeof fileInfoSchema>; bytes: Uint8Array };

// Reads at most `limit` bytes: Slack's announced size is checked first, and the bytes are counted as they arrive.
async function download(url: string, token: string, limit: number): Promise<Uint8Array> {
  const res = await providerFetch('slack', url, { headers: { authorization: `Bearer ${token}` } });
  if (!res.ok || !res.body) throw new Error(`Slack refused the file download: ${res.status}`);
  const chunks: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of iterateBody(res.body)) {
    total += chunk.byteLength;
    if (total > limit) throw new TooLarge();
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

// A file shared in a synced channel becomes a document through the same ingest path as an upload: the plan's size
// limit, its document quota, and deduplication by checksum (the same file shared twice, or already uploaded, is
// not imported again).
export async function importSlackFile(data: SlackFileSharedData): Promise<FileImportOutcome> {
  const ref = { tenantId: data.tenantId, connectionId: data.connectionId };
  const { synced, userId } = await withTenant(data.tenantId, async (tx) => ({
    synced: (await readSlackSettings(tx, data.connectionId)).fileChannels.includes(data.channelId),
    userId: data.slackUserId ? await findLinkedMember(tx, data.teamId, data.slackUserId) : null,
  }));
  if (!synced) return { status: 'not_synced' };
  const limit = uploadLimitFor(await readTenantPlan(data.tenantId));

  const fetched = await withAccessToken(ref, async (token): Promise<Fetched> => {
    const info = fileInfoSchema.parse((await callSlack(() => slackClient(token).files.info({ file: data.fileId }))).file);
    const url = info.url_private_download ?? info.url_private;
    if (!url) return { kind: 'refused' };
    if (info.size > limit) return { kind: 'too_large' };
    try {
      return { kind: 'file', info, bytes: await download(url, token, limit) };
    } catch (err) {
      if (err instanceof TooLarge) return { kind: 'too_large' };
      throw err;
    }
  });
  if (fetched.kind === 'too_large') return { status: 'too_large', reason: 'larger than the plan allows' };
  if (fetched.kind === 'refused') return { status: 'refused', reason: 'Slack gave no download address' };

  const { info, bytes } = fetched;
  const documentId = randomUUID();
  const blobKey = tenantBlobKey(data.tenantId, `documents/${documentId}/original`);
  const filename = info.name ?? `${info.id}`;
  const detected = detectUploadType(bytes, info.mimetype, filename);
  await putTenantBlob(data.tenantId, blobKey, bytes, detected.mime);
  const jobs: PipelineJob[] = [];
  try {
    const doc = await withTenant(data.tenantId, (tx) =>
      createDocument(
        tx,
        { tenantId: data.tenantId, actor: { userId } },
        {
          source: 'file',
          file: {
            documentId,
            blobKey,
            sizeBytes: bytes.byteLength,
            checksum: createHash('sha256').update(bytes).digest('hex'),
            detected,
            filename,
            title: info.title && info.title !== info.name ? info.title : undefined,
          },
        },
        (job) => jobs.push(job),
      ),
    );
    await sendPipelineJobs(jobs);
    return { status: 'imported', documentId: doc.id };
  } catch (err) {
    await deleteTenantBlob(data.tenantId, blobKey);
    if (err instanceof AppError && err.code === 'conflict') return { status: 'duplicate' };
    if (err instanceof AppError) return { status: 'refused', reason: err.message };
    throw err;
  }
}
