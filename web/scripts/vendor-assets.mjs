// Copies the front-end files the portal serves from node_modules (installed by `npm ci`) into
// src/meldcode_web/static/vendor/, with their licences: the portal never loads anything from a
// CDN at run time. Run by deploy/local/setup.sh (`npm ci && npm run vendor`).
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const web = join(dirname(fileURLToPath(import.meta.url)), "..");
const modules = join(web, "node_modules");
const vendor = join(web, "src", "meldcode_web", "static", "vendor");

// [package, file in the package, target under static/vendor/]
const FILES = [
  ["@utrecht/component-library-css", "dist/index.css", "utrecht/component-library.css"],
  ["@utrecht/design-tokens", "dist/theme.css", "utrecht/design-tokens.css"],
  ["htmx.org", "dist/htmx.min.js", "htmx/htmx.min.js"],
  ["chart.js", "dist/chart.umd.min.js", "chart.js/chart.umd.min.js"],
  ["axe-core", "axe.min.js", "axe-core/axe.min.js"],
];
const LICENCES = ["LICENSE", "LICENSE.md", "LICENSE.txt", "LICENSE-3RD-PARTY.txt"];

rmSync(vendor, { recursive: true, force: true });
const manifest = {};
for (const [pkg, file, target] of FILES) {
  const source = join(modules, pkg, file);
  if (!existsSync(source)) {
    console.error(`vendor-assets: ${source} is missing; run npm ci in web/ first`);
    process.exit(1);
  }
  const destination = join(vendor, target);
  mkdirSync(dirname(destination), { recursive: true });
  copyFileSync(source, destination);
  for (const licence of LICENCES) {
    const path = join(modules, pkg, licence);
    if (existsSync(path)) copyFileSync(path, join(dirname(destination), `${pkg.replace("/", "__")}.${licence}`));
  }
  const version = JSON.parse(readFileSync(join(modules, pkg, "package.json"), "utf8")).version;
  manifest[target] = { package: pkg, version, file };
}
writeFileSync(join(vendor, "manifest.json"), JSON.stringify(manifest, null, 2) + "\n");
console.log(`vendor-assets: ${FILES.length} files into ${vendor}`);
