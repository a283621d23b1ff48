// SPDX-License-Identifier: Apache-2.0
// synack lab in a real browser: Debian's headless chromium driven by
// puppeteer-core. Starts `synack lab --port 0`, opens the page, clicks like a
// learner, asserts what the page shows and writes a screenshot.
//
//   node lab_test.mjs SYNACK OUTDIR CASE     CASE: drop-third-ack | msl | bad-url
//
// Exit 0 on success; a failed assertion prints one line and exits 1.
import { spawn } from "node:child_process";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import assert from "node:assert/strict";
import puppeteer from "puppeteer-core";

const [synack, outdir, which] = process.argv.slice(2);
if (!synack || !outdir || !which) {
  console.error("usage: node lab_test.mjs SYNACK OUTDIR drop-third-ack|msl|bad-url");
  process.exit(2);
}
mkdirSync(outdir, { recursive: true });

// Starts the lab and resolves with its base URL (from the line it prints).
function startLab() {
  const child = spawn(synack, ["lab", "--port", "0"], { stdio: ["ignore", "pipe", "inherit"] });
  return new Promise((resolve, reject) => {
    let out = "";
    child.stdout.on("data", (chunk) => {
      out += chunk;
      const m = /serving (http:\/\/127\.0\.0\.1:\d+\/)/.exec(out);
      if (m) resolve({ child, base: m[1] });
    });
    child.on("exit", (code) => reject(new Error(`synack lab exited (${code}) before serving: ${out}`)));
  });
}

async function ready(page, query) {
  await page.waitForFunction(
    (q) => document.body.dataset.state === "ready" && (!q || document.body.dataset.query === q),
    { timeout: 15000 }, query);
  return page.evaluate(() => window.synackLab.data);
}

// Clicks segment #n of the ladder and picks an action of the menu.
async function clickSegment(page, n, action) {
  await page.click(`#ladder g.seg[data-n="${n}"]`);
  await page.waitForSelector("#menu:not([hidden])");
  await page.click(`#menu #${action}`);
}

const states = (data, endpoint) => data.events.filter((e) => e.kind === "state" && e.endpoint === endpoint);

async function dropThirdAck(page, base) {
  // lost-third-ack with its scripted drops undone: the client says nothing
  // after its ACK until its data at 1.5 s, longer than the SYN-ACK's RTO (1 s).
  await page.goto(base + "?scenario=lost-third-ack&scripted=0");
  let data = await ready(page, "scenario=lost-third-ack&scripted=0");
  const third = data.events.find((e) => e.kind === "packet" && e.n === 3);
  assert.equal(third.from, 0, "segment #3 is the client's");
  assert.equal(third.flags, ".", "segment #3 is the handshake's bare ACK");
  const synacksBefore = data.events.filter((e) => e.kind === "packet" && e.from === 1 && e.flags === "S.");
  assert.equal(synacksBefore.length, 1, "one SYN-ACK while the ACK arrives");

  await clickSegment(page, 3, "drop");
  data = await ready(page, "scenario=lost-third-ack&scripted=0&fault=drop:3");
  assert.match(page.url(), /fault=drop%3A3|fault=drop:3/, "the URL holds the fault");
  const packets = data.events.filter((e) => e.kind === "packet");
  assert.equal(packets[2].fate.startsWith("dropped"), true, "#3 is dropped");
  const synacks = packets.filter((e) => e.from === 1 && e.flags === "S.");
  assert.equal(synacks.length, 2, "the SYN-ACK is retransmitted");
  assert.equal(synacks[1].t - synacks[0].t, 1000, "after the initial RTO of 1 s");
  const server = states(data, 1);
  assert.equal(server[0].to, "SYN-RECEIVED");
  assert.equal(server[1].from, "SYN-RECEIVED");
  assert.equal(server[1].to, "ESTABLISHED");
  const acks = packets.filter((e) => e.from === 0 && e.flags.includes(".") && e.arrived !== null);
  assert.ok(acks.every((e) => e.arrived >= server[1].t), "no ACK arrived while SYN-RECEIVED");
  assert.ok(acks.some((e) => e.arrived === server[1].t), "ESTABLISHED when an ACK arrives");
  assert.ok(server[1].t > synacks[1].t, "still SYN-RECEIVED when the SYN-ACK is retransmitted");
  // What the learner sees: the retransmission drawn and highlighted as new,
  // the state list showing SYN-RECEIVED's length.
  const seen = await page.evaluate(() => ({
    retransmission: document.querySelector("#ladder").textContent.includes("Retransmission"),
    highlighted: document.querySelectorAll("#ladder g.seg.diff").length,
    synrcvd: [...document.querySelectorAll("#timelines li")]
      .filter((li) => li.dataset.endpoint === "server" && li.dataset.state === "SYN-RECEIVED")
      .map((li) => Number(li.dataset.durationMs)),
    faults: document.querySelector("#faults").textContent,
  }));
  assert.ok(seen.retransmission, "the ladder labels the SYN-ACK retransmission");
  assert.ok(seen.highlighted >= 1, `segments that differ are highlighted (${seen.highlighted})`);
  assert.equal(await page.$$eval("#ladder g.seg.faulted", (g) => g.length), 1, "the dropped #3 is marked");
  assert.deepEqual(seen.synrcvd, [server[1].t - server[0].t]);
  assert.ok(seen.synrcvd[0] > 1000, "SYN-RECEIVED lasts past the retransmission");
  assert.match(seen.faults, /drop:3/);
  console.log(`SYN-ACKs at ${synacks.map((s) => s.t).join(", ")} ms; server SYN-RECEIVED ` +
              `${server[0].t}..${server[1].t} ms`);
}

async function timeWaitMs(page) {
  return page.evaluate(() => [...document.querySelectorAll("#timelines li")]
    .filter((li) => li.dataset.endpoint === "client" && li.dataset.state === "TIME-WAIT")
    .map((li) => Number(li.dataset.durationMs)));
}

async function msl(page, base) {
  await page.goto(base + "?scenario=handshake");
  await ready(page, "scenario=handshake");
  assert.deepEqual(await timeWaitMs(page), [60000], "TIME-WAIT = 2 x 30 s by default");
  // The learner types 5 (seconds) into MSL.
  await page.$eval("#msl", (i) => { i.value = ""; });
  await page.type("#msl", "5");
  await page.$eval("#msl", (i) => i.dispatchEvent(new Event("change")));
  const data = await ready(page, "scenario=handshake&msl=5s");
  assert.deepEqual(await timeWaitMs(page), [10000], "TIME-WAIT = 2 x 5 s");
  const check = data.checks.find((c) => c.what.includes("TIME-WAIT for 2MSL"));
  assert.ok(check && check.ok && check.what.includes("10 s"), `check re-evaluated: ${check && check.what}`);
  const highlighted = await page.$$eval("#ladder g.state.diff", (g) => g.length);
  assert.ok(highlighted >= 1, "the moved TIME-WAIT end is highlighted");
  // The close order: the server closes first, so it is the one in TIME-WAIT.
  await page.select("#close", "server");
  await ready(page, "scenario=handshake&msl=5s&close=server");
  const serverTw = await page.evaluate(() => [...document.querySelectorAll("#timelines li")]
    .filter((li) => li.dataset.endpoint === "server" && li.dataset.state === "TIME-WAIT")
    .map((li) => Number(li.dataset.durationMs)));
  assert.deepEqual(serverTw, [10000], "close=server: the server waits 2 MSL");
  assert.deepEqual(await timeWaitMs(page), [], "close=server: the client never enters TIME-WAIT");
  console.log("TIME-WAIT 60000 ms at MSL 30 s, 10000 ms at MSL 5 s; the server's with close=server");
}

async function badUrl(page, base) {
  await page.goto(base + "?scenario=handshake&rtt=5x&fault=drop:1");
  await page.waitForFunction(() => document.body.dataset.state === "error", { timeout: 15000 });
  const text = await page.$eval("#error", (e) => e.textContent);
  assert.match(text, /rtt="5x": expected a duration/);
  await page.screenshot({ path: join(outdir, "lab-bad-url-message.png") });
  await page.goto(base + "?scenario=handshake&fault=drop:999");
  await page.waitForFunction(() => document.body.dataset.state === "error", { timeout: 15000 });
  assert.match(await page.$eval("#error", (e) => e.textContent), /the run has only \d+ segments/);
  const api = await page.evaluate(async () => (await fetch("/api/nothing")).status);
  assert.equal(api, 404);
  // Still serving.
  await page.goto(base + "?scenario=syn-flood");
  await ready(page, "scenario=syn-flood");
  console.log(`error shown: ${text}`);
}

const cases = { "drop-third-ack": dropThirdAck, msl, "bad-url": badUrl };
if (!cases[which]) {
  console.error(`unknown case ${which}`);
  process.exit(2);
}

const { child, base } = await startLab();
const browser = await puppeteer.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  headless: true,
  // As root (CI) chromium refuses to start without --no-sandbox.
  args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
});
let failed = false;
try {
  const page = await browser.newPage();
  await page.setViewport({ width: 1600, height: 1000 });
  page.on("pageerror", (e) => { console.error(`page error: ${e.message}`); failed = true; });
  await cases[which](page, base);
  const shot = join(outdir, `lab-${which}.png`);
  await page.screenshot({ path: shot, fullPage: true });
  console.log(`screenshot: ${shot}`);
  assert.equal(failed, false, "no script error on the page");
} catch (e) {
  console.error(`lab ${which}: ${e.message}`);
  failed = true;
} finally {
  await browser.close();
  child.kill("SIGTERM");
}
process.exit(failed ? 1 : 0);
