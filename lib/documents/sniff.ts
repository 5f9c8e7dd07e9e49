import { AppError } from '@/lib/http/errors';
import type { DocumentKind } from '@/lib/db/schema';

export interface DetectedType {
  kind: DocumentKind;
  mime: string;
}

const AUDIO_EXTENSIONS = new Set(['wav', 'mp3', 'm4a', 'webm', 'mp4', 'aac', 'ogg', 'oga', 'flac']);
const TEXT_EXTENSIONS = new Set(['txt', 'text', 'md', 'markdown']);
const MARKDOWN_EXTENSIONS = new Set(['md', 'markdown']);
const GENERIC_TYPES = new Set(['', 'application/octet-stream', 'binary/octet-stream']);
// How far from the end a PDF's %%EOF marker may sit (trailing whitespace or junk written by some tools).
const PDF_TRAILER_WINDOW = 2048;

function startsWith(bytes: Uint8Array, prefix: readonly number[], offset = 0): boolean {
  if (bytes.length < offset + prefix.length) return false;
  return prefix.every((b, i) => bytes[offset + i] === b);
}

const ascii = (s: string) => [...s].map((c) => c.charCodeAt(0));

function extensionOf(filename: string | undefined): string {
  const dot = filename?.lastIndexOf('.') ?? -1;
  return filename && dot >= 0 ? filename.slice(dot + 1).toLowerCase() : '';
}

function baseType(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

// What type detection needs to know of a file, gathered in one pass while it streams in (ByteProfiler), so an
// upload never has to be held in memory whole.
export interface ByteProfile {
  size: number;
  head: Uint8Array;
  tail: Uint8Array;
  // Valid UTF-8 with no NUL byte.
  text: boolean;
}

const HEAD_BYTES = 64;

export class ByteProfiler {
  private size = 0;
  private head: Uint8Array = new Uint8Array(0);
  private tail: Uint8Array = new Uint8Array(0);
  private text = true;
  private readonly decoder = new TextDecoder('utf-8', { fatal: true });

  update(chunk: Uint8Array): void {
    this.size += chunk.byteLength;
    if (this.head.byteLength < HEAD_BYTES) this.head = concat(this.head, chunk.subarray(0, HEAD_BYTES - this.head.byteLength));
    const joined = concat(this.tail, chunk);
    this.tail = joined.subarray(Math.max(0, joined.byteLength - PDF_TRAILER_WINDOW)).slice();
    if (this.text) {
      if (chunk.includes(0)) this.text = false;
      else {
        try {
          this.decoder.decode(chunk, { stream: true });
        } catch {
          this.text = false;
        }
      }
    }
  }

  finish(): ByteProfile {
    if (this.text) {
      try {
        this.decoder.decode();
      } catch {
        this.text = false;
      }
    }
    return { size: this.size, head: this.head, tail: this.tail, text: this.text };
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(a.byteLength + b.byteLength);
  out.set(a, 0);
  out.set(b, a.byteLength);
  return out;
}

export function profileBytes(bytes: Uint8Array): ByteProfile {
  const profiler = new ByteProfiler();
  profiler.update(bytes);
  return profiler.finish();
}

function isPdf(head: Uint8Array): boolean {
  return startsWith(head, ascii('%PDF-'));
}

function hasPdfTrailer(tail: Uint8Array): boolean {
  return new TextDecoder('latin1').decode(tail).includes('%%EOF');
}

// Magic numbers of the audio containers we accept.
function sniffAudio(bytes: Uint8Array): string | undefined {
  if (startsWith(bytes, ascii('RIFF')) && startsWith(bytes, ascii('WAVE'), 8)) return 'audio/wav';
  if (startsWith(bytes, ascii('ID3'))) return 'audio/mpeg';
  // An MPEG audio frame header: 11 sync bits, then a layer that is not "reserved".
  if (bytes.length >= 2 && bytes[0] === 0xff && ((bytes[1] ?? 0) & 0xe0) === 0xe0 && ((bytes[1] ?? 0) & 0x06) !== 0) {
    return 'audio/mpeg';
  }
  if (startsWith(bytes, ascii('ftyp'), 4)) {
    const brand = String.fromCharCode(...bytes.subarray(8, 12));
    if (['M4A ', 'M4B ', 'mp42', 'isom', 'iso2', 'mp41', 'dash'].includes(brand)) return 'audio/mp4';
  }
  if (startsWith(bytes, [0x1a, 0x45, 0xdf, 0xa3])) return 'audio/webm';
  return undefined;
}

function claimsPdf(type: string, ext: string): boolean {
  return type === 'application/pdf' || ext === 'pdf';
}

function claimsAudio(type: string, ext: string): boolean {
  return type.startsWith('audio/') || type === 'video/webm' || AUDIO_EXTENSIONS.has(ext);
}

function claimsText(type: string, ext: string): boolean {
  return type.startsWith('text/') || TEXT_EXTENSIONS.has(ext) || (GENERIC_TYPES.has(type) && ext === '');
}

const unsupported = (message: string) => new AppError('unsupported_media_type', message);

// The bytes decide the kind; the declared type and extension only have to agree with them. Deep PDF corruption
// is found later, by the extract step; here only the %PDF header and %%EOF trailer are checked.
export function detectUploadType(bytes: Uint8Array, declaredType: string | undefined, filename: string | undefined): DetectedType {
  return detectProfiledType(profileBytes(bytes), declaredType, filename);
}

export function detectProfiledType(profile: ByteProfile, declaredType: string | undefined, filename: string | undefined): DetectedType {
  if (profile.size === 0) throw new AppError('validation_failed', 'The file is empty (0 bytes). Check that it saved correctly and upload it again.');
  const { head } = profile;
  const type = baseType(declaredType);
  const ext = extensionOf(filename);

  if (isPdf(head)) {
    if (!GENERIC_TYPES.has(type) && !claimsPdf(type, ext)) {
      throw unsupported(`This file is a PDF but was sent as ${type || `.${ext}`}. Rename it to end in .pdf and upload it again.`);
    }
    if (!hasPdfTrailer(profile.tail)) {
      throw new AppError('validation_failed', 'This PDF is incomplete or corrupt (it was probably cut off while downloading or copying). Download or export it again, then upload the new copy.');
    }
    return { kind: 'pdf', mime: 'application/pdf' };
  }
  if (claimsPdf(type, ext)) {
    throw new AppError('validation_failed', 'This file is named like a PDF but is not one: it may be another kind of file renamed to .pdf, or damaged. Open it and save or export it as PDF again, then upload that.');
  }

  const audio = sniffAudio(head);
  if (audio) {
    if (!GENERIC_TYPES.has(type) && !claimsAudio(type, ext)) {
      throw unsupported(`This file is audio (${audio}) but was sent as ${type || `.${ext}`}. Give it its audio extension (.mp3, .wav, .m4a or .webm) and upload it again.`);
    }
    return { kind: 'audio', mime: audio };
  }
  if (claimsAudio(type, ext)) {
    throw unsupported('This file is named like audio but is not WAV, MP3, M4A or WebM. Convert it to one of those and upload it again.');
  }

  if (claimsText(type, ext) && profile.text) {
    const markdown = type === 'text/markdown' || MARKDOWN_EXTENSIONS.has(ext);
    return markdown ? { kind: 'markdown', mime: 'text/markdown' } : { kind: 'text', mime: 'text/plain' };
  }
  throw unsupported('Reflex cannot read this kind of file. Upload plain text, Markdown, a PDF, or WAV, MP3, M4A or WebM audio; for Word or other formats, save as PDF first.');
}
