// Browser tests drive Debian's Chromium (never a downloaded one). Install it when we can,
// otherwise stop with the one command that fixes it.
import { existsSync } from 'node:fs';
import { execSync } from 'node:child_process';

const CHROMIUM = '/usr/bin/chromium';
if (!existsSync(CHROMIUM)) {
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const hasApt = existsSync('/usr/bin/apt-get');
  if (isRoot && hasApt) {
    console.log('Chromium is missing: installing Debian\'s chromium with apt-get …');
    execSync('apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium', { stdio: 'inherit' });
  }
  if (!existsSync(CHROMIUM)) {
    console.error(`Chromium is missing: run "sudo apt-get install -y chromium" (browser tests need ${CHROMIUM}).`);
    process.exit(1);
  }
}
