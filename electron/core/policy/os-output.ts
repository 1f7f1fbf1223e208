/**
 * Decodes what an OS tool printed. `reg query` writes the console code page when piped, but a
 * captured file (PowerShell `>`, `cmd /u`) is UTF-16LE, with or without a byte-order mark.
 */
export function decodeToolOutput(output: string | Uint8Array): string {
  if (typeof output === 'string') return output.replace(/^\uFEFF/, '');
  const bytes = Buffer.from(output.buffer, output.byteOffset, output.byteLength);
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return bytes.subarray(2).toString('utf16le');
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return bytes.subarray(3).toString('utf8');
  // No mark: ASCII text in UTF-16LE has a zero in (nearly) every odd byte.
  const sample = bytes.subarray(0, 200);
  let oddZeros = 0;
  for (let i = 1; i < sample.length; i += 2) if (sample[i] === 0) oddZeros++;
  if (sample.length >= 4 && oddZeros * 2 >= sample.length / 2 - 1) return bytes.toString('utf16le');
  return bytes.toString('utf8');
}
