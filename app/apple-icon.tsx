import { ImageResponse } from 'next/og';

// The home-screen icon, drawn at build time from the same mark as app/icon.svg (Next renders it to a PNG; no
// file is downloaded). iOS rounds the corners itself, so the square is full-bleed.
export const size = { width: 180, height: 180 };
export const contentType = 'image/png';

export default function AppleIcon() {
  return new ImageResponse(
    (
      <div style={{ width: '100%', height: '100%', display: 'flex', alignItems: 'center', justifyContent: 'center', background: '#4f46e5' }}>
        <svg width="132" height="132" viewBox="0 0 32 32">
          <path d="M10 22V10h6.5a4 4 0 0 1 0 8H13l6 4" fill="none" stroke="#fff" strokeWidth="2.6" strokeLinecap="round" strokeLinejoin="round" />
        </svg>
      </div>
    ),
    size,
  );
}
