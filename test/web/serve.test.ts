// The static server of `matcalc web`: the built folder's files with their types, nothing
// outside it, and a clear refusal of what it does not serve.
import { request } from 'node:http';
import { resolve } from 'node:path';
import type { Server } from 'node:http';
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { serveStatic } from '../../web/serve.js';

let server: Server;
let port: number;

beforeAll(async () => {
  const started = await serveStatic(resolve('dist/web'), 0);
  server = started.server;
  port = Number(new URL(started.url).port);
});
afterAll(() => new Promise<void>((done) => server.close(() => done())));

function get(path: string, method = 'GET'): Promise<{ status: number; type: string | undefined; body: string }> {
  return new Promise((done, fail) => {
    const r = request({ host: '127.0.0.1', port, path, method }, (response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => (body += chunk.toString('latin1')));
      response.on('end', () => done({ status: response.statusCode!, type: response.headers['content-type'], body }));
    });
    r.on('error', fail);
    r.end();
  });
}

test('the page, its script and its fonts, each with its type', async () => {
  const page = await get('/');
  expect([page.status, page.type]).toEqual([200, 'text/html; charset=utf-8']);
  expect(page.body).toContain('<script defer src="page.js">');
  await expect(get('/index.html?x=1#f=x')).resolves.toMatchObject({ status: 200, type: 'text/html; charset=utf-8' });
  await expect(get('/page.js')).resolves.toMatchObject({ status: 200, type: 'text/javascript; charset=utf-8' });
  await expect(get('/katex/fonts/KaTeX_Main-Regular.woff2')).resolves.toMatchObject({ status: 200, type: 'font/woff2' });
});

test('nothing outside the folder, nothing that is not there, only GET and HEAD', async () => {
  await expect(get('/../package.json')).resolves.toMatchObject({ status: 404 });
  await expect(get('/%2e%2e/%2e%2e/package.json')).resolves.toMatchObject({ status: 404 });
  await expect(get('/katex')).resolves.toMatchObject({ status: 404 });
  await expect(get('/missing.js')).resolves.toMatchObject({ status: 404 });
  await expect(get('/%E0%A4%A')).resolves.toMatchObject({ status: 400 });
  await expect(get('/', 'POST')).resolves.toMatchObject({ status: 405 });
  await expect(get('/', 'HEAD')).resolves.toMatchObject({ status: 200, body: '' });
});
