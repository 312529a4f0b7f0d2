// Bundles the ops page into the directory given as the first argument (default: dist/).
// Run by the gateway's build after `npm ci`, so the bundle always comes from the lock file.
import { copyFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { build } from 'esbuild';

const outdir = process.argv[2] ?? 'dist';
await mkdir(outdir, { recursive: true });

const common = { bundle: true, minify: true, logLevel: 'warning', target: ['chrome110', 'firefox110', 'safari16'] };
await build({ ...common, entryPoints: ['src/main.js'], format: 'iife', outfile: join(outdir, 'app.js') });
await build({ ...common, entryPoints: ['src/app.css'], outfile: join(outdir, 'app.css') });
await copyFile('src/index.html', join(outdir, 'index.html'));
await copyFile('src/favicon.svg', join(outdir, 'favicon.svg'));
