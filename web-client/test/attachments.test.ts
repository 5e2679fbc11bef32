import { afterEach, describe, expect, it } from 'vitest';
import {
  MAX_ATTACHMENTS,
  MAX_ATTACHMENT_BYTES,
  UploadError,
  UploadList,
  autoBody,
  formatSize,
  isAutoBody,
  isPreviewable,
  uploadAttachment,
  uploadErrorText,
  uploadUrl,
  type FileLike,
} from '../src/attachments';
import { setLocale } from '../src/i18n';
import type { Attachment } from '../src/protocol/types';

const NBSP = '\u00a0';

function file(name: string, size: number, type = 'text/plain'): FileLike {
  return { name, size, type };
}

function jsonResponse(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
}

function att(id: number, name: string, size = 10, content_type = 'text/plain'): Attachment {
  return { id, name, size, content_type, sha256: 'x', url: `/attachments/${id}` };
}

afterEach(() => setLocale('fr', false));

describe('formatSize', () => {
  it('writes sizes the French way, in binary units', () => {
    expect(formatSize(0, 'fr')).toBe(`0${NBSP}octet`);
    expect(formatSize(1, 'fr')).toBe(`1${NBSP}octet`);
    expect(formatSize(12, 'fr')).toBe(`12${NBSP}octets`);
    expect(formatSize(1023, 'fr')).toBe(`1023${NBSP}octets`);
    expect(formatSize(1024, 'fr')).toBe(`1${NBSP}Ko`);
    expect(formatSize(1536, 'fr')).toBe(`1,5${NBSP}Ko`);
    expect(formatSize(245 * 1024 + 100, 'fr')).toBe(`245${NBSP}Ko`);
    expect(formatSize(1.2 * 1024 * 1024, 'fr')).toBe(`1,2${NBSP}Mo`);
    expect(formatSize(10 * 1024 * 1024, 'fr')).toBe(`10${NBSP}Mo`);
    expect(formatSize(3 * 1024 ** 3, 'fr')).toBe(`3${NBSP}Go`);
  });

  it('writes sizes the English way', () => {
    expect(formatSize(1, 'en')).toBe(`1${NBSP}byte`);
    expect(formatSize(12, 'en')).toBe(`12${NBSP}bytes`);
    expect(formatSize(245 * 1024, 'en')).toBe(`245${NBSP}KB`);
    expect(formatSize(1.25 * 1024 * 1024, 'en')).toBe(`1.3${NBSP}MB`);
  });

  it('moves to the next unit when rounding reaches 1024', () => {
    expect(formatSize(1024 * 1024 - 1, 'fr')).toBe(`1${NBSP}Mo`);
  });

  it('treats nonsense as zero', () => {
    expect(formatSize(Number.NaN, 'fr')).toBe(`0${NBSP}octet`);
    expect(formatSize(-5, 'en')).toBe(`0${NBSP}bytes`);
  });
});

describe('previews and bodies', () => {
  it('previews only the image types the server serves inline', () => {
    for (const t of ['image/png', 'image/jpeg', 'image/gif', 'image/webp', 'IMAGE/PNG', 'image/png; charset=binary']) {
      expect(isPreviewable(t)).toBe(true);
    }
    for (const t of ['image/svg+xml', 'text/html', 'application/pdf', '', undefined, null]) {
      expect(isPreviewable(t)).toBe(false);
    }
  });

  it('gives a message with files and no text their names as body, and recognises it', () => {
    const list = [att(1, 'compte-rendu.pdf'), att(2, 'photo.png')];
    expect(autoBody(list)).toBe('compte-rendu.pdf, photo.png');
    expect(isAutoBody('compte-rendu.pdf, photo.png', list)).toBe(true);
    expect(isAutoBody('Voici le compte rendu', list)).toBe(false);
    expect(isAutoBody('compte-rendu.pdf, photo.png', [])).toBe(false);
    expect(isAutoBody('compte-rendu.pdf, photo.png', undefined)).toBe(false);
  });
});

describe('uploadAttachment', () => {
  it('posts the bytes with the name in the URL and the file type, and returns the attachment', async () => {
    const calls: { url: string; init: RequestInit }[] = [];
    const stored = att(7, 'ordre du jour é.txt', 245);
    const fetch = async (url: string, init: RequestInit) => {
      calls.push({ url, init });
      return jsonResponse(200, { ok: true, result: { attachment: stored } });
    };
    const f = file('ordre du jour é.txt', 245);
    await expect(uploadAttachment(4, f, { fetch })).resolves.toEqual(stored);
    expect(calls).toHaveLength(1);
    expect(calls[0].url).toBe('/api/attachments.upload?workspace=4&name=ordre%20du%20jour%20%C3%A9.txt');
    expect(calls[0].url).toBe(uploadUrl(4, 'ordre du jour é.txt'));
    expect(calls[0].init).toMatchObject({
      method: 'POST',
      body: f,
      headers: { 'Content-Type': 'text/plain' },
      credentials: 'same-origin',
    });
  });

  it('sends application/octet-stream when the browser does not know the type', async () => {
    let type = '';
    const fetch = async (_url: string, init: RequestInit) => {
      type = (init.headers as Record<string, string>)['Content-Type'];
      return jsonResponse(200, { ok: true, result: { attachment: att(1, 'x.bin') } });
    };
    await uploadAttachment(4, file('x.bin', 3, ''), { fetch });
    expect(type).toBe('application/octet-stream');
  });

  it('refuses empty files without a request', async () => {
    let called = 0;
    const fetch = async () => {
      called++;
      return jsonResponse(200, {});
    };
    await expect(uploadAttachment(4, file('empty.txt', 0), { fetch })).rejects.toMatchObject({ kind: 'empty' });
    expect(called).toBe(0);
  });

  it('leaves the size limit to the server, but explains a connection cut while sending more than 10 MiB', async () => {
    const cut = async () => Promise.reject(new TypeError('Failed to fetch'));
    await expect(uploadAttachment(4, file('big.bin', MAX_ATTACHMENT_BYTES + 1), { fetch: cut })).rejects.toMatchObject({
      kind: 'too_large',
    });
    await expect(uploadAttachment(4, file('small.bin', 1000), { fetch: cut })).rejects.toMatchObject({ kind: 'network' });
    const ok = async () => jsonResponse(200, { ok: true, result: { attachment: att(3, 'big.bin', MAX_ATTACHMENT_BYTES + 1) } });
    await expect(uploadAttachment(4, file('big.bin', MAX_ATTACHMENT_BYTES + 1), { fetch: ok })).resolves.toMatchObject({ id: 3 });
  });

  it('turns a 413 into "Fichier trop volumineux (10 Mo maximum)"', async () => {
    const fetch = async () =>
      jsonResponse(413, { ok: false, error: { code: 'too_large', message: 'request too large', message_fr: 'requête trop grande' } });
    const err = await uploadAttachment(4, file('a.txt', 5), { fetch }).catch((e) => e);
    expect(err).toBeInstanceOf(UploadError);
    expect(err.kind).toBe('too_large');
    expect(uploadErrorText(err)).toBe('Fichier trop volumineux (10 Mo maximum)');
    setLocale('en', false);
    expect(uploadErrorText(err)).toBe('File too large (10 MB maximum)');
  });

  it('tells network failures, lost sessions, refusals and other errors apart', async () => {
    const up = (fetch: any) => uploadAttachment(4, file('a.txt', 5), { fetch }).catch((e: UploadError) => e.kind);
    expect(await up(async () => Promise.reject(new TypeError('Failed to fetch')))).toBe('network');
    expect(await up(async () => jsonResponse(401, { ok: false, error: { code: 'unauthenticated', message: 'x' } }))).toBe(
      'unauthenticated',
    );
    expect(await up(async () => jsonResponse(404, { ok: false, error: { code: 'not_found', message: 'x' } }))).toBe('forbidden');
    expect(await up(async () => new Response('<html>', { status: 502 }))).toBe('server');
  });

  it('shows the server’s French message for other errors', async () => {
    const fetch = async () =>
      jsonResponse(503, { ok: false, error: { code: 'unavailable', message: 'disk full', message_fr: 'disque plein' } });
    const err = await uploadAttachment(4, file('a.txt', 5), { fetch }).catch((e) => e);
    expect(uploadErrorText(err)).toBe('Envoi impossible : disque plein');
  });
});

describe('UploadList', () => {
  /** An uploader whose uploads the test finishes by hand. */
  function manual() {
    const waiting: { file: FileLike; resolve: (a: Attachment) => void; reject: (e: unknown) => void; signal?: AbortSignal }[] = [];
    const uploader = (_ws: number, f: FileLike, opts: { signal?: AbortSignal }) =>
      new Promise<Attachment>((resolve, reject) => {
        waiting.push({ file: f, resolve, reject, signal: opts.signal });
        opts.signal?.addEventListener('abort', () => reject(new UploadError('aborted')));
      });
    return { waiting, uploader };
  }

  it('uploads at once, is busy meanwhile, and gives the done files in the order they were added', async () => {
    const { waiting, uploader } = manual();
    const list = new UploadList(4, uploader);
    let changes = 0;
    list.subscribe(() => changes++);
    const done = list.add([file('a.txt', 3), file('b.png', 4, 'image/png')]);
    expect(list.items.map((i) => [i.name, i.status])).toEqual([
      ['a.txt', 'uploading'],
      ['b.png', 'uploading'],
    ]);
    expect(list.busy).toBe(true);
    waiting[1].resolve(att(11, 'b.png', 4, 'image/png'));
    waiting[0].resolve(att(12, 'a.txt', 3));
    await done;
    expect(list.busy).toBe(false);
    expect(list.attachments.map((a) => a.id)).toEqual([12, 11]);
    expect(changes).toBeGreaterThanOrEqual(3);
  });

  it('keeps a failed file as an error chip, which does not count among the attachments', async () => {
    const { waiting, uploader } = manual();
    const list = new UploadList(4, uploader);
    const done = list.add([file('a.txt', 3)]);
    waiting[0].reject(new UploadError('too_large'));
    await done;
    expect(list.items[0]).toMatchObject({ status: 'error', error: { kind: 'too_large' } });
    expect(list.attachments).toEqual([]);
    expect(list.busy).toBe(false);
  });

  it('stops the upload of a removed file and forgets it', async () => {
    const { waiting, uploader } = manual();
    const list = new UploadList(4, uploader);
    const done = list.add([file('a.txt', 3)]);
    list.remove(list.items[0].key);
    expect(waiting[0].signal?.aborted).toBe(true);
    await done;
    expect(list.items).toEqual([]);
  });

  it(`refuses more than ${MAX_ATTACHMENTS} files per message`, async () => {
    const { waiting, uploader } = manual();
    const list = new UploadList(4, uploader);
    void list.add(Array.from({ length: MAX_ATTACHMENTS + 2 }, (_, i) => file(`f${i}.txt`, 1)));
    expect(waiting).toHaveLength(MAX_ATTACHMENTS);
    expect(list.items.filter((i) => i.status === 'error').map((i) => i.error?.kind)).toEqual(['too_many', 'too_many']);
    expect(uploadErrorText(list.items.at(-1)!.error)).toBe('Pas plus de 10 fichiers par message.');
  });

  it('clears everything once the message is sent', async () => {
    const { waiting, uploader } = manual();
    const list = new UploadList(4, uploader);
    const done = list.add([file('a.txt', 3)]);
    waiting[0].resolve(att(1, 'a.txt'));
    await done;
    list.clear();
    expect(list.items).toEqual([]);
    expect(list.attachments).toEqual([]);
  });
});
