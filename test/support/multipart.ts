/** A multipart/form-data body as a browser sends it, encoded by the platform's own FormData. */
export async function formData(
  fields: Record<string, string>,
  files: { name: string; filename: string; content: string | Buffer; type?: string }[] = [],
): Promise<{ payload: Buffer; headers: Record<string, string> }> {
  const fd = new FormData();
  for (const [k, v] of Object.entries(fields)) fd.append(k, v);
  for (const f of files) {
    const data = typeof f.content === 'string' ? Buffer.from(f.content, 'utf8') : f.content;
    fd.append(f.name, new Blob([new Uint8Array(data)], { type: f.type ?? 'text/csv' }), f.filename);
  }
  const res = new Response(fd);
  return {
    payload: Buffer.from(await res.arrayBuffer()),
    headers: { 'content-type': res.headers.get('content-type') ?? '' },
  };
}
