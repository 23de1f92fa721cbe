/**
 * The browser of the console's tests: Debian's Chromium with the Noto CJK fonts (so Chinese
 * renders in screenshots), installed with apt-get when missing. Playwright's own browser
 * download is never used: playwright-core drives this executable.
 */
import fs from 'node:fs';
import { BootstrapError, run, which } from './proc';

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser'];
const CJK_FONT_DIRS = ['/usr/share/fonts/opentype/noto', '/usr/share/fonts/truetype/noto'];

function installed(): string | undefined {
  return CANDIDATES.find((p) => fs.existsSync(p)) ?? which('chromium') ?? undefined;
}

function hasCjkFonts(): boolean {
  return CJK_FONT_DIRS.some((d) => fs.existsSync(d) && fs.readdirSync(d).some((f) => /CJK/i.test(f)));
}

/** The Chromium executable, installing it (and the CJK fonts) from Debian's packages when missing. */
export function ensureBrowser(log: (line: string) => void): string {
  const found = installed();
  if (found && hasCjkFonts()) return found;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const aptGet = which('apt-get');
  if (!isRoot || !aptGet) throw new BootstrapError('Chromium for the browser tests is missing: run `sudo apt-get install chromium fonts-noto-cjk`');
  log('installing Chromium and the Noto CJK fonts from Debian packages (apt-get install chromium fonts-noto-cjk) …');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  let r = run(aptGet, ['install', '-y', '--no-install-recommends', 'chromium', 'fonts-noto-cjk'], { env, timeoutMs: 900_000 });
  if (r.status !== 0) {
    run(aptGet, ['update'], { env, timeoutMs: 600_000 });
    r = run(aptGet, ['install', '-y', '--no-install-recommends', 'chromium', 'fonts-noto-cjk'], { env, timeoutMs: 900_000 });
  }
  const bin = installed();
  if (r.status !== 0 || !bin) throw new BootstrapError(`Chromium could not be installed (apt-get install chromium: ${(r.stderr || String(r.error)).trim().split('\n').slice(-1)[0]})`);
  return bin;
}
