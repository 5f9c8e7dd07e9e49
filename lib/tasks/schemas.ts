import { z } from 'zod';
import { pageQuery } from '@/lib/http/pagination';
import { boundedText, LIMITS } from '@/lib/validation/text';

export const COLUMN_KEY_RE = /^[a-z0-9][a-z0-9_-]{0,39}$/;
export const MAX_COLUMNS = 20;
export const MAX_LABELS = 20;

export const columnKeySchema = z.string().regex(COLUMN_KEY_RE, 'key: lowercase letters, digits, "_" and "-", up to 40 characters');

export const columnSchema = z
  .object({
    id: z.uuid(),
    key: z.string().describe('Stable handle used as a task status; never changes when the column is renamed'),
    name: z.string(),
    position: z.number().int(),
    taskCount: z.number().int(),
  })
  .meta({ id: 'BoardColumn' });

export const columnListSchema = z.object({ items: z.array(columnSchema) }).meta({ id: 'BoardColumns' });

export const putColumnsSchema = z
  .strictObject({
    columns: z
      .array(
        z.strictObject({
          id: z.uuid().optional().describe('An existing column to keep (rename or move); omit to add a column'),
          key: columnKeySchema.optional().describe('For a new column; derived from the name when omitted'),
          name: boundedText('Column name', LIMITS.columnName),
        }),
      )
      .min(1)
      .max(MAX_COLUMNS),
  })
  .describe('The complete board in display order. Existing columns left out are deleted, which only works when they hold no tasks.');

const labelsSchema = z
  .array(boundedText('A label', LIMITS.label))
  .max(MAX_LABELS)
  .transform((labels) => {
    const seen = new Set<string>();
    return labels.filter((l) => {
      const k = l.toLowerCase();
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    });
  });

const statusInput = z.string().trim().min(1).max(64).describe('A column key (e.g. "todo") or column id');
const positionInput = z
  .number()
  .int()
  .min(0)
  .max(100_000)
  .describe('0-based slot in the target column; omitted on create (or on a column change) means the end');

export const taskSchema = z
  .object({
    id: z.uuid(),
    title: z.string(),
    description: z.string(),
    status: z.string().describe('Key of the board column the task is in'),
    columnId: z.uuid(),
    rank: z.string().describe('Sort key within the column (byte-wise order)'),
    assigneeId: z.uuid().nullable(),
    assignee: z.object({ id: z.uuid(), name: z.string(), email: z.string() }).nullable(),
    dueDate: z.iso.date().nullable(),
    labels: z.array(z.string()),
    source: z
      .object({
        documentId: z.uuid(),
        actionIndex: z.number().int(),
        documentTitle: z.string().nullable().describe('null once the document has been deleted (the task stays)'),
        quote: z.string().nullable().describe('The sentence of the document the task was found in'),
      })
      .nullable(),
    version: z.number().int().describe('Send it back on PATCH; a stale version gets 409 with the current task'),
    createdBy: z.uuid().nullable(),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .meta({ id: 'Task' });

export type Task = z.infer<typeof taskSchema>;
export type BoardColumn = z.infer<typeof columnSchema>;

export const createTaskSchema = z.strictObject({
  title: boundedText('Title', LIMITS.taskTitle),
  description: z.string().max(20_000).default(''),
  status: statusInput.optional(),
  position: positionInput.optional(),
  assigneeId: z.uuid().nullable().optional(),
  dueDate: z.iso.date().nullable().optional(),
  labels: labelsSchema.optional(),
  source: z
    .strictObject({
      documentId: z.uuid(),
      actionIndex: z.number().int().min(0).max(10_000),
      quote: z.string().trim().min(1).max(1000, 'quote must be at most 1000 characters').optional(),
    })
    .optional(),
});

export const updateTaskSchema = z
  .strictObject({
    version: z.number().int().positive(),
    title: boundedText('Title', LIMITS.taskTitle).optional(),
    description: z.string().max(20_000).optional(),
    status: statusInput.optional(),
    position: positionInput.optional(),
    assigneeId: z.uuid().nullable().optional(),
    dueDate: z.iso.date().nullable().optional(),
    labels: labelsSchema.optional(),
  })
  .refine((v) => Object.keys(v).some((k) => k !== 'version'), 'Send at least one field to change besides version');

export const listTasksQuery = z.strictObject({
  ...pageQuery,
  status: statusInput.optional(),
  assignee: z.union([z.uuid(), z.enum(['me', 'none'])]).optional().describe('A user id, "me" or "none"'),
  label: z.string().trim().min(1).max(40).optional(),
  document: z.union([z.uuid(), z.literal('none')]).optional().describe('Tasks created from this document, or "none" for tasks added by hand'),
});

export type CreateTaskInput = z.infer<typeof createTaskSchema>;
export type UpdateTaskInput = z.infer<typeof updateTaskSchema>;
export type ListTasksQuery = z.infer<typeof listTasksQuery>;
export type PutColumnsInput = z.infer<typeof putColumnsSchema>;
