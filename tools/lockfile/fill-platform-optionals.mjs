#!/usr/bin/env node
/**
 * The package mirror these machines use lacks some platform binaries (e.g.
 * @swc/core-darwin-arm64, @nx/nx-win32-x64-msvc). `npm install` then leaves
 * them out of package-lock.json, and `npm ci` refuses the lock as "Missing:
 * ... from lock file". This adds each missing optional platform package as an
 * entry with its os/cpu/libc, which npm ci skips on other platforms without
 * fetching it. Run it after `npm install` changes the lock.
 */
import { readFileSync, writeFileSync } from 'node:fs';

const LOCK = new URL('../../package-lock.json', import.meta.url);
const lock = JSON.parse(readFileSync(LOCK, 'utf8'));
const packages = lock.packages;

/** os, cpu and libc from a platform package's name, e.g. "core-linux-arm64-musl". */
function platformOf(name) {
  const os = ['darwin', 'linux', 'win32', 'freebsd', 'android', 'openbsd', 'sunos'].find((o) => name.includes(`-${o}-`));
  const cpu = ['arm64', 'x64', 'ia32', 'ppc64', 's390x', 'riscv64', 'loong64', 'arm'].find((c) => new RegExp(`-${c}(-|$)`).test(name));
  if (os === undefined || cpu === undefined) return undefined;
  const libc = name.endsWith('-musl') ? ['musl'] : /-gnu(eabihf)?$/.test(name) ? ['glibc'] : undefined;
  return { os: [os], cpu: [cpu], ...(libc ? { libc } : {}) };
}

let added = 0;
for (const [path, entry] of Object.entries(packages)) {
  for (const [dep, version] of Object.entries(entry.optionalDependencies ?? {})) {
    const where = `${path === '' ? '' : `${path}/`}node_modules/${dep}`;
    if (packages[where] !== undefined || packages[`node_modules/${dep}`] !== undefined) continue;
    const platform = platformOf(dep);
    if (platform === undefined) continue;
    packages[`node_modules/${dep}`] = { version, ...platform, ...(entry.dev ? { dev: true } : {}), optional: true };
    added++;
  }
}
writeFileSync(LOCK, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`package-lock.json: added ${added} missing optional platform package(s)`);
