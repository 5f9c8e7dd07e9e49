import { listOperations } from '@/lib/api';
import { buildOpenApi } from '@/lib/http/openapi';
import { jsonResponse } from '@/lib/http/respond';

export function GET(): Response {
  return jsonResponse(buildOpenApi(listOperations(), process.env.npm_package_version ?? '0.1.0'));
}
