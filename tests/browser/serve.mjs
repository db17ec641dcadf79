// `needsmap serve` in a real browser: a saved edit reaches the open page
// (its changed sections patched in; a change to the page's frame reloads
// it, keeping the reader's place), a broken edit shows its errors
// (file:line:col) over the last good document and passes axe-core, and
// fixing it takes them away. Prints the time from saving a one-field edit
// to the first frame showing it (median of --rounds edits).
//   node tests/browser/serve.mjs target/release/needsmap [--rounds 10]
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { spawn } from "node:child_process";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { performance } from "node:perf_hooks";
import puppeteer from "puppeteer-core";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
const [binary, ...rest] = process.argv.slice(2);
const roundsAt = rest.indexOf("--rounds");
const rounds = roundsAt >= 0 ? Number(rest[roundsAt + 1]) : 5;
if (!binary || !(rounds > 0)) {
  console.error("usage: node serve.mjs NEEDSMAP [--rounds N]");
  process.exit(2);
}

// A workspace of its own: a copy of the shipped example.
const work = mkdtempSync(join(tmpdir(), "needsmap-serve-"));
cpSync(join(root, "assessments"), join(work, "assessments"), { recursive: true });
cpSync(join(root, "journeys"), join(work, "journeys"), { recursive: true });
writeFileSync(join(work, "needsmap.toml"), "");
// A one-field edit: a finding's text, which the needs assessment quotes.
const findings = join(work, "assessments/northmoor/findings.yaml");
const findingsText = readFileSync(findings, "utf8");
const anchor = "were never offered a DASH.";
if (!findingsText.includes(anchor)) throw new Error(`findings.yaml no longer holds "${anchor}"`);
const services = join(work, "assessments/northmoor/services.yaml");
const original = readFileSync(services, "utf8");

const server = spawn(resolve(binary), ["serve", "assessments/northmoor.yaml", "--port", "0"], {
  cwd: work,
  stdio: ["ignore", "pipe", "inherit"],
});
const url = await new Promise((ok, fail) => {
  let seen = "";
  server.stdout.on("data", (chunk) => {
    seen += chunk;
    const m = seen.match(/on (http:\/\/[^ ]+\/)/);
    if (m) ok(m[1]);
  });
  server.on("exit", (code) => fail(new Error(`needsmap serve exited (${code}) before serving`)));
});
server.stdout.resume();

const browser = await puppeteer.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
});
let failures = 0;
const check = (ok, what) => {
  console.log(`${ok ? "ok" : "FAILED"}: ${what}`);
  if (!ok) failures += 1;
};

// Resolve once the page shows a build newer than `before` (patched in or
// reloaded), checked at each frame.
const updated = (page, before) =>
  page.waitForFunction((b) => document.documentElement.dataset.needsmapShown !== b, { polling: "raf", timeout: 60000 }, before);
const shown = (page) => page.evaluate(() => document.documentElement.dataset.needsmapShown);

try {
  const page = await browser.newPage();
  await page.goto(`${url}needs-assessment.html`, { waitUntil: "load" });
  // Let the page's event stream open, so the first edit is not missed.
  await new Promise((r) => setTimeout(r, 300));
  await page.evaluate(() => { window.needsmapTestMarker = true; });

  // Saving an edit brings it into the page, without reloading it.
  const times = [];
  for (let i = 1; i <= rounds; i++) {
    const before = await shown(page);
    const started = performance.now();
    writeFileSync(findings, findingsText.replace(anchor, `${anchor} Edit ${i}.`));
    await updated(page, before);
    times.push(performance.now() - started);
    const text = await page.evaluate(() => document.querySelector("main").innerText);
    if (!text.includes(`Edit ${i}.`)) {
      check(false, `edit ${i} is on the page`);
      break;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  check(times.length === rounds, `each of ${rounds} saved edits reached the open page`);
  check(await page.evaluate(() => window.needsmapTestMarker === true), "by patching the sections that changed, not reloading");

  // An edit to the page's frame (its colour) reloads it, keeping the
  // reader's place.
  await page.evaluate(() => window.scrollTo(0, 3000));
  const assessment = join(work, "assessments/northmoor.yaml");
  const assessmentText = readFileSync(assessment, "utf8");
  let before = await shown(page);
  let reloaded = page.waitForNavigation({ waitUntil: "load", timeout: 60000 });
  writeFileSync(assessment, assessmentText.replace('colour: "#1d4f91"', 'colour: "#7a2e8c"'));
  await reloaded;
  await updated(page, before);
  const y = await page.evaluate(() => window.scrollY);
  check(await page.evaluate(() => window.needsmapTestMarker === undefined), "a new colour reloads the page");
  check(Math.abs(y - 3000) < 5, `the reloaded page keeps the reader's place (scrollY ${y})`);

  // A broken edit: its errors in the page, the last good document below.
  const broken = original.replace(/levels: \[/, "levels: [no-such-level, ");
  const line = broken.split("\n").findIndex((l) => l.includes("no-such-level")) + 1;
  before = await shown(page);
  writeFileSync(services, broken);
  await updated(page, before);
  const alert = await page.$eval("[role=alert]", (e) => e.innerText).catch(() => "");
  check(alert.includes(`services.yaml:${line}:`), `a broken edit shows services.yaml:${line}:col in the page`);
  check(alert.includes("hint"), "with its hint");
  const stillThere = await page.evaluate(() => !!document.querySelector("main h1"));
  check(stillThere, "the last good document stays below the errors");
  await page.addScriptTag({ content: axeSource });
  const axe = await page.evaluate(async () =>
    // eslint-disable-next-line no-undef
    await axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"] } }),
  );
  for (const v of axe.violations) console.log(`    axe: ${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).slice(0, 3).join("; ")})`);
  check(axe.violations.length === 0, `the page with the errors passes axe-core (${axe.violations.length} violations)`);

  // Fixing it brings the document back.
  before = await shown(page);
  writeFileSync(services, original);
  await updated(page, before);
  const fixed = await page.evaluate(() => !document.querySelector("[role=alert]") && !!document.querySelector("main h1"));
  check(fixed, "fixing the edit takes the errors away");

  // The PDF of the document, on request.
  const pdf = await page.evaluate(async (u) => {
    const r = await fetch(u);
    return { status: r.status, type: r.headers.get("content-type"), size: (await r.arrayBuffer()).byteLength };
  }, `${url}needs-assessment.pdf`);
  check(pdf.status === 200 && pdf.type === "application/pdf" && pdf.size > 10000, `the PDF link lays out the PDF (${pdf.size} bytes)`);

  times.sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)];
  console.log(
    `edit -> updated page: median ${median.toFixed(0)} ms over ${times.length} edits (min ${times[0].toFixed(0)}, max ${times[times.length - 1].toFixed(0)})`,
  );
} catch (e) {
  console.error(e);
  failures += 1;
} finally {
  await browser.close();
  server.kill();
  rmSync(work, { recursive: true, force: true });
}
process.exit(failures === 0 ? 0 : 1);
