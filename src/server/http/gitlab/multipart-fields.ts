/**
 * The text fields of a multipart/form-data body, as [name, value] pairs in order (clients such
 * as gitbeaker send some GitLab calls as FormData). Files are not expected on these routes and
 * are skipped. Pure; malformed parts are ignored rather than thrown.
 */
export function multipartFields(body: Buffer, contentType: string): Array<[string, string]> {
  const m = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType);
  const boundary = m?.[1] ?? m?.[2];
  if (!boundary) return [];
  const text = body.toString('utf8');
  const out: Array<[string, string]> = [];
  for (const part of text.split(`--${boundary}`)) {
    const headerEnd = part.indexOf('\r\n\r\n');
    if (headerEnd < 0) continue;
    const headers = part.slice(0, headerEnd);
    const disposition = /content-disposition:[^\r\n]*\bname="([^"]*)"/i.exec(headers);
    if (!disposition || /filename=/i.test(headers)) continue;
    let value = part.slice(headerEnd + 4);
    if (value.endsWith('\r\n')) value = value.slice(0, -2);
    out.push([disposition[1]!, value]);
  }
  return out;
}
