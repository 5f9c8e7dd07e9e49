import { NextResponse, type NextRequest } from 'next/server';

// Layouts cannot see the URL they render; the app's sign-in gate needs it to send people back where they were
// going (/sign-in?next=…). This passes the path along as a request header, overwriting anything a client sent;
// the sign-in page still accepts only same-site paths (safeNext). lib/ui/request-path.ts reads it.

export function proxy(request: NextRequest) {
  const headers = new Headers(request.headers);
  headers.set('x-reflex-path', `${request.nextUrl.pathname}${request.nextUrl.search}`);
  return NextResponse.next({ request: { headers } });
}

export const config = { matcher: ['/app/:path*', '/onboarding'] };
