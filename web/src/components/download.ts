/**
 * Downloads an authenticated API resource. Links cannot carry the PRIVATE-TOKEN header, so the
 * file is fetched with it and handed to the browser as a blob URL.
 */
import { request } from '../api/http-client.ts';

export async function fetchBlob(path: string): Promise<Blob> {
  const response = await request(path, { headers: { Accept: '*/*' } });
  return response.blob();
}

export async function downloadFile(path: string, filename: string): Promise<void> {
  saveBlob(await fetchBlob(path), filename);
}

export function saveBlob(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60000);
}

/** Opens text in a new tab as plain text (the "raw log" view). */
export async function openRaw(path: string): Promise<void> {
  const blob = await fetchBlob(path);
  const url = URL.createObjectURL(new Blob([blob], { type: 'text/plain;charset=utf-8' }));
  window.open(url, '_blank', 'noopener');
  setTimeout(() => URL.revokeObjectURL(url), 60000);
}
