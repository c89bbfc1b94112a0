// The tests need two Debian packages: chromium (browser tests drive Debian's Chromium, never a
// downloaded one) and libvulkan1 (WebGPU in Node: Dawn from the `webgpu` package loads the Vulkan
// loader and uses Chromium's SwiftShader as its driver). Install them when we can (root with
// apt-get), otherwise stop with the one command that fixes it.
import { existsSync } from 'node:fs';
import { execSync } from 'node:child_process';

const missing = [];
if (!existsSync('/usr/bin/chromium')) missing.push('chromium');
if (!hasPackage('libvulkan1')) missing.push('libvulkan1');

if (missing.length > 0) {
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (isRoot && existsSync('/usr/bin/apt-get')) {
    console.log(`Installing Debian packages the tests need: ${missing.join(' ')} …`);
    // No recommends: mesa's Vulkan drivers would add stderr noise and are not needed (SwiftShader is).
    execSync(`apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends ${missing.join(' ')}`, { stdio: 'inherit' });
  }
  const still = missing.filter((p) => (p === 'chromium' ? !existsSync('/usr/bin/chromium') : !hasPackage(p)));
  if (still.length > 0) {
    console.error(`Missing Debian packages for the tests: run "sudo apt-get install -y --no-install-recommends ${still.join(' ')}".`);
    process.exit(1);
  }
}

function hasPackage(name) {
  try {
    return execSync(`dpkg-query -W -f='\${Status}' ${name} 2>/dev/null`).toString().includes('install ok installed');
  } catch {
    return false;
  }
}
