// Compiles every kernel file assembly/*.ts into one module, in two variants:
//   build/flowsteer.wasm        release: -O3, SIMD, asserts off, stub runtime
//   build/flowsteer.debug.wasm  debug: asserts (range checks on every pointer argument)
// Each kernel file is an entry, so adding a kernel is adding a file.
import { readdirSync, mkdirSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const entries = readdirSync(join(root, 'assembly'))
  .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))
  .sort()
  .map((f) => join('assembly', f));
mkdirSync(join(root, 'build'), { recursive: true });
const asc = join(root, 'node_modules', 'assemblyscript', 'bin', 'asc.js');
for (const target of ['release', 'debug']) {
  execFileSync(process.execPath, [asc, ...entries, '--config', 'asconfig.json', '--target', target], {
    cwd: root,
    stdio: 'inherit',
  });
}
console.log(`build-wasm: ${entries.length} kernel files -> build/flowsteer.wasm, build/flowsteer.debug.wasm`);
