// The risk heat maps in a real browser (docs/WEB.md, "The risk register on the
// pages"): the SVG renders on /risks and on the home page with the counts of the
// API, cells filled with their level's colour, and a cell's link leads to the
// list of exactly its risks.
//
// Run: ISMS_BIN=build/isms node --test tests/js/   (npm ci --prefix tests/js first)
import assert from "node:assert/strict";
import { after, before, test } from "node:test";

import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

import { HtmlValidate } from "html-validate";

import htmlValidateConfig from "./.htmlvalidate.mjs";
import { launchBrowser } from "./support/browser.mjs";
import { signIn, startServer } from "./support/server.mjs";

const WAIT_MS = 10_000;
let server;
let browser;
let page;

async function api(method, path, body) {
    const res = await fetch(`${server.base}${path}`, {
        method,
        headers: { ...server.authHeaders, "content-type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = await res.json();
    assert.ok(res.status < 300, `${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
    return json;
}

before(async () => {
    [server, browser] = await Promise.all([startServer({ name: "heatmap" }), launchBrowser()]);
    await api("POST", "/api/v1/people", { name: "Ann Owner" });
    const risks = [
        { title: "Ransomware", likelihood: 4, impact: 5 },
        { title: "Laptop theft", likelihood: 4, impact: 5, treatment: "modify",
          residual_likelihood: 2, residual_impact: 2 },
        { title: "Typo in invoice", likelihood: 1, impact: 1 },
    ];
    for (const r of risks) await api("POST", "/api/v1/risks", { owner: "PER-1", ...r });
    const context = await browser.newContext({ viewport: { width: 1366, height: 900 } });
    await signIn(context, server);
    context.setDefaultTimeout(WAIT_MS);
    page = await context.newPage();
});

after(async () => {
    await browser?.close();
    if (server) await server.stop();
});

test("the heat maps render on /risks with the API's counts and colours", async () => {
    const map = await api("GET", "/api/v1/risks/heatmap");
    await page.goto(`${server.base}/risks`);
    const svg = page.locator("#heatmap-current svg.heatmap");
    await svg.waitFor();
    const box = await svg.boundingBox();
    assert.ok(box.width > 300 && box.height > 200, `the map is drawn (${box.width}x${box.height})`);
    assert.equal(await page.locator("#heatmap-current a.heat-cell").count(), 25);
    assert.equal(await page.locator("#heatmap-residual a.heat-cell").count(), 25);
    for (const c of map.cells) {
        const cell = page.locator(
            `#heatmap-current a.heat-cell[data-likelihood="${c.likelihood}"][data-impact="${c.impact}"]`);
        assert.equal(await cell.locator("text").textContent(), String(c.count));
        assert.equal(await cell.locator("rect").getAttribute("fill"), c.colour);
    }
    // The cell of (4, 5) is visible and shows 2.
    const hot = page.locator('#heatmap-current a.heat-cell[data-likelihood="4"][data-impact="5"]');
    assert.ok(await hot.isVisible());
    assert.equal(await hot.locator("text").textContent(), "2");
});

test("a cell's link leads to the list of exactly its risks", async () => {
    await page.goto(`${server.base}/risks`);
    await page.locator('#heatmap-current a.heat-cell[data-likelihood="4"][data-impact="5"]').click();
    await page.waitForURL(/\/risks\?likelihood=4&impact=5&method=RM-1$/);
    const titles = await page.locator("table.records td.title a").allTextContents();
    assert.deepEqual(titles.sort(), ["Laptop theft", "Ransomware"]);
    // The residual map's cell leads to the residual filter.
    await page.goto(`${server.base}/risks`);
    await page.locator('#heatmap-residual a.heat-cell[data-likelihood="2"][data-impact="2"]').click();
    await page.waitForURL(/residual_likelihood=2&residual_impact=2/);
    assert.deepEqual(await page.locator("table.records td.title a").allTextContents(), ["Laptop theft"]);
});

test("the home page shows the current heat map and the flagged risk", async () => {
    await page.goto(`${server.base}/`);
    await page.locator("#home-heatmap svg.heatmap").waitFor();
    assert.equal(await page.locator("#home-heatmap a.heat-cell").count(), 25);
    const untreated = page.locator('#flagged-risks .flag[data-flag="untreated"]');
    assert.match(await untreated.textContent(), /RSK-1/);
});

test("the pages with heat maps are valid HTML and pass axe-core", async () => {
    const validator = new HtmlValidate(htmlValidateConfig);
    const problems = [];
    for (const url of ["/", "/risks", "/risks?likelihood=4&impact=5&method=RM-1"]) {
        const res = await fetch(`${server.base}${url}`, { headers: server.authHeaders });
        assert.equal(res.status, 200);
        const html = await res.text();
        const report = await validator.validateString(html, "page.html");
        for (const r of report.results)
            for (const m of r.messages) problems.push(`${url} ${m.line}:${m.column} ${m.ruleId}: ${m.message}`);
    }
    assert.deepEqual(problems, []);
    const require = createRequire(import.meta.url);
    const axe = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
    const context = await browser.newContext({ bypassCSP: true });
    await signIn(context, server);
    const p = await context.newPage();
    for (const url of ["/", "/risks"]) {
        await p.goto(`${server.base}${url}`);
        await p.addScriptTag({ content: axe });
        const found = await p.evaluate(async () => (await window.axe.run()).violations
            .filter((v) => v.impact === "serious" || v.impact === "critical")
            .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`));
        assert.deepEqual(found, [], `${url}: axe`);
    }
    await context.close();
});
