import { listRestoreDrillsOp } from '@/lib/api/operations';
import { listRestoreDrills } from '@/lib/backup/drill';
import { platformRoute } from '@/lib/http/platform-route';

export const GET = platformRoute(listRestoreDrillsOp, async () => ({ items: await listRestoreDrills() }));
