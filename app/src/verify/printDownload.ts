import { makePrintCopy } from '@seal/shared';
import { loadPrintFont } from './printFont';

/** Hands `bytes` to the browser as a download named `name`. */
export function downloadBytes(bytes: Uint8Array, name: string, mime = 'application/pdf'): void {
  const url = URL.createObjectURL(new Blob([bytes.slice().buffer], { type: mime }));
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** The verification link a stamped document's QR carries: this site's `/verify?code=…`. */
export const verifyUrlFor = (code: string, origin: string = location.origin): string => `${origin}/verify?code=${encodeURIComponent(code)}`;

/**
 * Makes the anti-counterfeit print of a stamped PDF in this browser (`makePrintCopy`: a new
 * document; the signed original is not touched) and downloads it.
 */
export async function printAntiCounterfeitCopy(original: Uint8Array, code: string, organisation: string): Promise<void> {
  const copy = await makePrintCopy(original, { code, organisation, verifyUrl: verifyUrlFor(code), printedAt: new Date().toISOString().slice(0, 10) }, loadPrintFont);
  downloadBytes(copy, `${code}-print.pdf`);
}
