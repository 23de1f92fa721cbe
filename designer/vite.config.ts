/** Vite build of the console: static files in designer/dist, served by the API at /. */
import path from 'node:path';
import vue from '@vitejs/plugin-vue';
import { defineConfig } from 'vite';

export default defineConfig({
  root: __dirname,
  base: '/',
  plugins: [vue()],
  resolve: {
    alias: { '@schema': path.resolve(__dirname, '..', 'schema'), '@process': path.resolve(__dirname, '..', 'process'), '@diagrams': path.resolve(__dirname, '..', 'diagrams') },
  },
  server: { proxy: { '/api': 'http://localhost:3000' } },
  build: {
    outDir: path.resolve(__dirname, 'dist'),
    emptyOutDir: true,
    chunkSizeWarningLimit: 4096,
    commonjsOptions: { transformMixedEsModules: true },
    rollupOptions: {
      output: {
        manualChunks(id) {
          if (id.includes('node_modules/element-plus') || id.includes('node_modules/@element-plus')) return 'element-plus';
          if (/node_modules\/(bpmn-js|diagram-js|bpmn-moddle|moddle|@bpmn-io|bpmnlint|bpmn-js-)/.test(id)) return 'bpmn';
          return undefined;
        },
      },
    },
  },
});
