import { NextResponse, type NextRequest } from 'next/server';
import { isGuardedWrite, maintenanceFromEnv, maintenanceResponse } from './lib/maintenance/policy';

// Next 16's proxy runs on Node, but it may be bundled and deployed apart from the routes, so it imports nothing
// that reaches the database. It answers the env switch (MAINTENANCE_MODE=1) before any route code runs; the
// operator switch stored in the database is enforced by assertWritable() in the route wrappers.
export function proxy(request: NextRequest) {
  if (maintenanceFromEnv(process.env) && isGuardedWrite(request.method, request.nextUrl.pathname)) {
    return maintenanceResponse(request);
  }
  return NextResponse.next();
}

// Only the paths maintenance can block: every other request skips the proxy entirely.
export const config = {
  matcher: ['/api/v1/:path*', '/api/auth/sign-up/:path*'],
};
