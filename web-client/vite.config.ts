/// <reference types="vitest/config" />
import { defineConfig } from 'vite';
import { fileURLToPath } from 'node:url';

const server = 'http://127.0.0.1:8080';
const sdk = fileURLToPath(new URL('./src/plugins/sdk.ts', import.meta.url));

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
      '/api': { target: server, changeOrigin: false },
      '/healthz': { target: server, changeOrigin: false },
      '/ws': { target: server, ws: true, changeOrigin: false },
    },
  },
  test: {
    environment: 'node',
    include: ['test/**/*.test.ts'],
  },
});
