import type { Metadata } from 'next';
import { TaskBoard } from '@/components/tasks/task-board';

export const metadata: Metadata = { title: 'Tasks' };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function one(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

// ?document=<id> (from a document page), ?assignee=me and ?task=<id> (from the dashboard) preset the board.
export default async function TasksPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const query = await searchParams;
  const document = one(query.document);
  const task = one(query.task);
  return (
    <TaskBoard
      initial={{
        document: document && (UUID.test(document) || document === 'none') ? document : '',
        assignee: one(query.assignee) === 'me' ? 'me' : '',
        task: task && UUID.test(task) ? task : null,
      }}
    />
  );
}
