/// <reference types="vitest/config" />
import { defineConfig, type ProxyOptions } from 'vite';
import { fileURLToPath } from 'node:url';

// `npm run dev` serves the client on http://127.0.0.1:5173 and forwards the
// API, the WebSocket and the health check to a Pacte server (PACTE_SERVER,
// http://127.0.0.1:8080 by default).
const server = process.env.PACTE_SERVER ?? 'http://127.0.0.1:8080';
const sdk = fileURLToPath(new URL('./src/plugins/sdk.ts', import.meta.url));

// The server accepts cookie-authenticated requests only from its allowed
// origins; in development the page's origin is this dev server, so the proxy
// presents the server's own origin instead (development only).
const proxy: ProxyOptions = {
  target: server,
  changeOrigin: false,
  configure(p) {
    const rewrite = (req: { getHeader(n: string): unknown; setHeader(n: string, v: string): void }) => {
      if (req.getHeader('origin')) req.setHeader('origin', server);
      if (req.getHeader('referer')) req.setHeader('referer', `${server}/`);
    };
    p.on('proxyReq', rewrite);
    p.on('proxyReqWs', rewrite);
  },
};

export default defineConfig({
  resolve: {
    // Plugin panels (plugins/<name>/web/) import `@pacte/web-sdk` and have
    // no node_modules of their own: their bare imports resolve from here.
    alias: { '@pacte/web-sdk': sdk },
    dedupe: ['lit', 'lit-html', '@lit/reactive-element', 'marked', 'dompurify'],
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
  },
  server: {
    host: '127.0.0.1',
    port: 5173,
    proxy: {
      '/api': proxy,
      '/healthz': proxy,
      '/ws': { ...proxy, ws: true },
    },
  },
  test: {
    environment: 'node',
    include: ['test/**/*.test.ts'],
  },
});
