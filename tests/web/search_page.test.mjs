// Browser tests of the search page: Debian's chromium, headless, driven by playwright-core
// (no browser download), against aides-serve on 127.0.0.1:0 over the sample catalogue. Each
// check compares what the page shows with what the JSON API answers for the same search.
// Screenshots land in AIDES_SCREENSHOT_DIR. Run by ctest (web.browser); alone:
//   AIDES_BIN_DIR=build/bin AIDES_WEB_NODE_DIR=build/web-tests AIDES_DSFR_DIR=build/web/dsfr node tests/web/search_page.test.mjs
import { test, after, before } from "node:test";
import assert from "node:assert/strict";
import { spawn, execFileSync } from "node:child_process";
import { createRequire } from "node:module";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import readline from "node:readline";

const repo = path.resolve(path.dirname(new URL(import.meta.url).pathname), "../..");
const env = (name, fallback) => path.resolve(process.env[name] || fallback);
const binDir = env("AIDES_BIN_DIR", path.join(repo, "build/bin"));
const corpus = env("AIDES_CORPUS_DIR", path.join(repo, "corpus"));
const dsfrDir = env("AIDES_DSFR_DIR", path.join(repo, "build/web/dsfr"));
const nodeDir = env("AIDES_WEB_NODE_DIR", path.join(repo, "build/web-tests"));
const shots = env("AIDES_SCREENSHOT_DIR", path.join(repo, "build/web-screenshots"));

let chromium;
try {
  ({ chromium } = createRequire(path.join(nodeDir, "package.json"))("playwright-core"));
} catch (error) {
  throw new Error(`playwright-core not installed in ${nodeDir}: run \`make web\` (npm ci with tests/web/package-lock.json)`);
}
if (!fs.existsSync(path.join(dsfrDir, "dsfr.min.css"))) throw new Error(`no DSFR in ${dsfrDir}: run \`make web\``);

const work = fs.mkdtempSync(path.join(os.tmpdir(), "aides-web-"));
let server, browser, baseUrl;

before(async () => {
  fs.mkdirSync(shots, { recursive: true });
  execFileSync(path.join(binDir, "aides-index"), ["--db", path.join(work, "idx"), "--input", path.join(corpus, "aides.jsonl"),
    "--adhoc", `pvd=${path.join(corpus, "adhoc/pvd-extrait.txt")}`], { stdio: "ignore", timeout: 120000 });
  server = spawn(path.join(binDir, "aides-serve"), ["--db", path.join(work, "idx"), "--listen", "127.0.0.1:0",
    "--threads", "4", "--dsfr", dsfrDir, "--web", path.join(repo, "web"), "--portals", path.join(corpus, "portals")],
    { stdio: ["ignore", "pipe", "ignore"] });
  baseUrl = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("aides-serve did not start within 60 s")), 60000);
    readline.createInterface({ input: server.stdout }).once("line", (line) => {
      clearTimeout(timer);
      line.startsWith("listening on ") ? resolve(line.split(" ").pop()) : reject(new Error(line));
    });
    server.once("exit", (code) => reject(new Error(`aides-serve exited with ${code}`)));
  });
  browser = await chromium.launchPersistentContext(path.join(work, "profile"), {
    executablePath: "/usr/bin/chromium",
    headless: true,
    args: ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
           "--disable-sync", "--no-first-run"],
    viewport: { width: 1280, height: 900 },
    locale: "fr-FR",
  });
});

after(async () => {
  if (browser) await browser.close().catch(() => {});
  if (server && server.exitCode === null) {
    server.kill("SIGTERM");
    await new Promise((resolve) => { const t = setTimeout(() => { server.kill("SIGKILL"); resolve(); }, 20000); server.once("exit", () => { clearTimeout(t); resolve(); }); });
  }
  fs.rmSync(work, { recursive: true, force: true });
});

async function apiJson(pathAndQuery) {
  const response = await fetch(baseUrl + pathAndQuery);
  assert.equal(response.status, 200, pathAndQuery);
  return response.json();
}

async function open(url) {
  const page = await browser.newPage();
  const errors = [];
  page.on("pageerror", (error) => errors.push(error.message));
  page.on("console", (message) => { if (message.type() === "error") errors.push(message.text()); });
  await page.goto(baseUrl + url);
  await page.waitForSelector("body[data-ready=true]", { timeout: 20000 });
  page.errors = errors;
  return page;
}

const cardTitles = (page) => page.$$eval("#resultats .fr-card__title a", (links) => links.map((a) => a.textContent));
const waitForUrl = (page, pattern) => page.waitForFunction((source) => new RegExp(source).test(location.search), pattern.source, { timeout: 20000 });

test("type a commune, search, tick a theme, page, open a result", async () => {
  const page = await open("/");
  // The autocomplete, by keyboard only.
  await page.focus("#territoire");
  await page.keyboard.type("Landern", { delay: 30 });
  await page.waitForSelector("#territoire-liste li[role=option]", { timeout: 20000 });
  assert.equal(await page.getAttribute("#territoire", "aria-expanded"), "true");
  await page.keyboard.press("ArrowDown");
  assert.equal(await page.getAttribute("#territoire", "aria-activedescendant"), "territoire-option-0");
  await page.keyboard.press("Enter");
  assert.equal(await page.inputValue("#territoire"), "Landerneau");
  await page.screenshot({ path: path.join(shots, "1-autocomplete.png") });
  await page.click("button[type=submit]");
  await waitForUrl(page, /territoire=commune%3A29103/);
  await page.waitForFunction(() => /trouvée/.test(document.getElementById("statut").textContent));
  const api = await apiJson("/api/aids/?commune=29103&size=10&facets=true");
  assert.match(await page.textContent("#statut"), new RegExp(`^${api.count} aides trouvées`));
  assert.deepEqual(await cardTitles(page), api.results.map((r) => r.name));
  // Cards show backers, perimeter, deadline and French type labels.
  const firstCard = await page.textContent("#resultats li:first-child");
  assert.ok(firstCard.includes(api.results[0].perimeter_name), firstCard);
  const types = Object.fromEntries((await apiJson("/api/aids/types/")).map((t) => [t.id, t.name]));
  for (const type of api.results[0].aid_types) assert.ok(firstCard.includes(types[type]), `${types[type]} in ${firstCard}`);
  await page.screenshot({ path: path.join(shots, "2-results.png"), fullPage: true });

  // Tick the theme with the most aids: the page then shows the count its box announced.
  const [theme, count] = Object.entries(api.facets.themes).sort((a, b) => b[1] - a[1])[0];
  assert.match(await page.textContent(`label[for=theme-${theme}]`), new RegExp(`\\(${count}\\)$`));
  await page.click(`label[for=theme-${theme}]`);  // the DSFR draws the box on the label
  await waitForUrl(page, new RegExp(`theme=${theme}`));
  await page.waitForFunction((n) => document.getElementById("statut").textContent.startsWith(`${n} aide`), count);
  const themed = await apiJson(`/api/aids/?commune=29103&themes=${theme}&size=10`);
  assert.equal(themed.count, count);
  assert.deepEqual(await cardTitles(page), themed.results.map((r) => r.name));

  // Next page.
  if (themed.count > 10) {
    await page.click(".fr-pagination__link--next");
    await waitForUrl(page, /page=2/);
    const second = await apiJson(`/api/aids/?commune=29103&themes=${theme}&size=10&page=2`);
    await page.waitForFunction((first) => document.querySelector("#resultats .fr-card__title a")?.textContent === first, second.results[0].name);
    assert.deepEqual(await cardTitles(page), second.results.map((r) => r.name));
  } else {
    await page.click(`label[for=theme-${theme}]`);
    await page.waitForFunction((n) => document.getElementById("statut").textContent.startsWith(`${n} aide`), api.count);
    await page.click(".fr-pagination__link--next");
    await waitForUrl(page, /page=2/);
    const second = await apiJson("/api/aids/?commune=29103&size=10&page=2");
    await page.waitForFunction((first) => document.querySelector("#resultats .fr-card__title a")?.textContent === first, second.results[0].name);
    assert.deepEqual(await cardTitles(page), second.results.map((r) => r.name));
  }
  await page.screenshot({ path: path.join(shots, "3-page-2.png"), fullPage: true });

  // Open the first result, then come back.
  const name = (await cardTitles(page))[0];
  await page.click("#resultats .fr-card__title a");
  await waitForUrl(page, /aide=/);
  await page.waitForSelector("#fiche:not([hidden])");
  assert.equal(await page.textContent("#fiche-titre"), name);
  const id = new URL(page.url()).searchParams.get("aide");
  const aid = await apiJson(`/api/aids/${id}/`);
  assert.equal(aid.name, name);
  assert.ok((await page.textContent("#fiche-infos")).includes(aid.perimeter_name));
  await page.screenshot({ path: path.join(shots, "4-result.png"), fullPage: true });
  await page.goBack();
  await page.waitForSelector("#fiche", { state: "hidden" });
  assert.equal((await cardTitles(page))[0], name);
  assert.deepEqual(page.errors, []);
  await page.close();
});

test("a deep link holds the whole search", async () => {
  const page = await open("/?territoire=commune%3A29103&lieu=Landerneau&texte=velo&type=financial_group");
  await page.waitForFunction(() => /trouvée|Aucune/.test(document.getElementById("statut").textContent));
  assert.equal(await page.inputValue("#territoire"), "Landerneau");
  assert.equal(await page.inputValue("#texte"), "velo");
  assert.equal(await page.inputValue("#type"), "financial_group");
  const api = await apiJson("/api/aids/?commune=29103&text=velo&aid_type=financial_group&size=10&explain=true");
  assert.ok(api.count > 0);
  assert.deepEqual(await cardTitles(page), api.results.map((r) => r.name));
  // The snippet marks the words found, and the card says why the aid fits.
  assert.ok(await page.$("#resultats mark"), "a <mark> in a snippet");
  assert.match(await page.textContent("#resultats li:first-child .carte__pourquoi"), /Pourquoi cette aide/);
  assert.deepEqual(page.errors, []);
  await page.close();
});

test("the portal page and a phone's width", async () => {
  const page = await open("/portails/petites-villes-de-demain/");
  const portal = await apiJson("/api/portals/petites-villes-de-demain/");
  assert.equal(await page.textContent("h1"), portal.name);
  await page.waitForFunction(() => /trouvée/.test(document.getElementById("statut").textContent));
  const api = await apiJson("/api/aids/?portal=petites-villes-de-demain&size=10");
  assert.deepEqual(await cardTitles(page), api.results.map((r) => r.name));
  await page.setViewportSize({ width: 375, height: 812 });
  await page.waitForTimeout(200);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 1, `page wider than the phone by ${overflow}px`);
  // Every form control has a label.
  const unlabelled = await page.$$eval("input, select", (controls) => controls.filter((c) => c.type !== "hidden" && !c.labels?.length).map((c) => c.id));
  assert.deepEqual(unlabelled, []);
  await page.screenshot({ path: path.join(shots, "5-portal-phone.png"), fullPage: true });
  assert.deepEqual(page.errors, []);
  await page.close();
});
