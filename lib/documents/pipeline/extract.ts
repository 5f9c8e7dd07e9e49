import { PipelineError } from './state';

// unpdf bundles a serverless build of PDF.js: no worker, no canvas. PDF.js takes ownership of (detaches) the
// buffer it is given, hence the copy.
export async function extractPdfText(bytes: Uint8Array): Promise<string> {
  const { extractText, getDocumentProxy } = await import('unpdf');
  let text: string;
  try {
    const pdf = await getDocumentProxy(new Uint8Array(bytes));
    try {
      text = (await extractText(pdf, { mergePages: true })).text;
    } finally {
      await pdf.destroy();
    }
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new PipelineError(`The PDF could not be read (${reason}); it may be corrupt or password-protected`, { cause: err });
  }
  return text;
}

export function decodeUtf8(bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch (err) {
    throw new PipelineError('The file is not valid UTF-8 text', { cause: err });
  }
}
