// Renders plain text as a real PDF (Helvetica text layer, lines wrapped at a fixed width, several pages), so the
// eval corpus exercises what uploads of PDFs really look like after text extraction: hard line breaks in the
// middle of sentences. Hand-rolled because the format needed here is tiny and a PDF library would be a dependency
// for test data only.

const WRAP = 92;
const LINES_PER_PAGE = 48;

// Windows-1252 code points 0x80–0x9F that Helvetica's WinAnsiEncoding maps from Unicode.
const WIN_ANSI: Record<string, number> = {
  '€': 0x80, '‚': 0x82, 'ƒ': 0x83, '„': 0x84, '…': 0x85, '†': 0x86, '‡': 0x87, 'ˆ': 0x88, '‰': 0x89, 'Š': 0x8a,
  '‹': 0x8b, 'Œ': 0x8c, 'Ž': 0x8e, '‘': 0x91, '’': 0x92, '“': 0x93, '”': 0x94, '•': 0x95, '–': 0x96, '—': 0x97,
  '˜': 0x98, '™': 0x99, 'š': 0x9a, '›': 0x9b, 'œ': 0x9c, 'ž': 0x9e, 'Ÿ': 0x9f,
};

function encode(line: string): number[] {
  const out: number[] = [];
  for (const ch of line) {
    const code = ch.codePointAt(0) ?? 0x3f;
    const mapped = WIN_ANSI[ch] ?? (code < 0x100 ? code : 0x3f);
    // Escapes for the PDF string syntax.
    if (mapped === 0x28 || mapped === 0x29 || mapped === 0x5c) out.push(0x5c);
    out.push(mapped);
  }
  return out;
}

export function wrapLines(text: string, width = WRAP): string[] {
  const out: string[] = [];
  for (const paragraph of text.replace(/\r\n?/g, '\n').split('\n')) {
    let line = '';
    for (const word of paragraph.split(/\s+/).filter((w) => w !== '')) {
      if (line !== '' && line.length + 1 + word.length > width) {
        out.push(line);
        line = word;
      } else line = line === '' ? word : `${line} ${word}`;
    }
    out.push(line);
  }
  return out;
}

export function renderPdf(text: string): Uint8Array {
  const lines = wrapLines(text);
  const pages: string[][] = [];
  for (let i = 0; i < lines.length; i += LINES_PER_PAGE) pages.push(lines.slice(i, i + LINES_PER_PAGE));
  const chunks: number[][] = [];
  const offsets: number[] = [];
  let length = 0;
  const write = (bytes: number[]) => {
    chunks.push(bytes);
    length += bytes.length;
  };
  const ascii = (s: string) => [...Buffer.from(s, 'latin1')];
  const object = (id: number, body: number[]) => {
    offsets[id] = length;
    write(ascii(`${id} 0 obj\n`));
    write(body);
    write(ascii('\nendobj\n'));
  };
  write(ascii('%PDF-1.4\n'));
  const fontId = 3;
  const firstPageId = 4;
  const kids = pages.map((_, i) => `${firstPageId + i * 2} 0 R`).join(' ');
  object(1, ascii('<< /Type /Catalog /Pages 2 0 R >>'));
  object(2, ascii(`<< /Type /Pages /Kids [${kids}] /Count ${pages.length} >>`));
  object(fontId, ascii('<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>'));
  pages.forEach((page, i) => {
    const pageId = firstPageId + i * 2;
    const content: number[] = ascii('BT /F1 10 Tf 56 760 Td 14 TL ');
    for (const line of page) content.push(0x28, ...encode(line), ...ascii(') Tj T* '));
    content.push(...ascii('ET'));
    object(pageId, ascii(`<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents ${pageId + 1} 0 R /Resources << /Font << /F1 ${fontId} 0 R >> >> >>`));
    object(pageId + 1, [...ascii(`<< /Length ${content.length} >>\nstream\n`), ...content, ...ascii('\nendstream')]);
  });
  const count = firstPageId + pages.length * 2;
  const xref = length;
  let table = `xref\n0 ${count}\n0000000000 65535 f \n`;
  for (let id = 1; id < count; id++) table += `${String(offsets[id] ?? 0).padStart(10, '0')} 00000 n \n`;
  write(ascii(`${table}trailer\n<< /Size ${count} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`));
  return new Uint8Array(chunks.flat());
}
