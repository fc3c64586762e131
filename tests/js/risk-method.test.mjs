// The risk method editor (/risk-method/edit) in a real browser: open it, change
// one cell of the matrix, save a new version, and see it in force on
// /risk-method and through the API. The pages' CSP is enforced; no script of
// the page runs into it.
//
// Run: ISMS_BIN=build/isms node --test tests/js/risk-method.test.mjs
import assert from "node:assert/strict";
import { after, before, test } from "node:test";

import { HtmlValidate } from "html-validate";

import htmlValidateConfig from "./.htmlvalidate.mjs";
import { launchBrowser, screenshot } from "./support/browser.mjs";
import { signIn, startServer } from "./support/server.mjs";

const WAIT_MS = 10_000;

let server;
let browser;
let page;
const cspViolations = [];

before(async () => {
    server = await startServer({ name: "risk-method", org: "Brightwater Logistics GmbH" });
    browser = await launchBrowser();
    const context = await browser.newContext({ viewport: { width: 1366, height: 900 } });
    await signIn(context, server);
    context.setDefaultTimeout(WAIT_MS);
    page = await context.newPage();
    page.on("console", (msg) => {
        if (/Content Security Policy/i.test(msg.text())) cspViolations.push(msg.text());
    });
});

after(async () => {
    await browser?.close();
    await server?.stop();
});

async function api(path) {
    const res = await fetch(`${server.base}${path}`, { headers: server.authHeaders });
    return { status: res.status, json: await res.json() };
}

test("the method in force shows its matrix in colour", async () => {
    await page.goto(`${server.base}/risk-method`);
    assert.equal(await page.locator("h1").innerText(), "Risk method");
    assert.equal(await page.locator("#risk-matrix tbody tr").count(), 5);
    assert.equal(await page.locator("#risk-matrix svg.swatch rect[fill='#C62828']").count() > 0, true);
    await screenshot(page, "risk-method");
});

test("changing a cell and saving makes a new version in force", async () => {
    await page.goto(`${server.base}/risk-method`);
    await page.getByRole("link", { name: "Edit as a new version" }).click();
    await page.waitForURL(/\/risk-method\/edit$/);
    // Likelihood 1, impact 4: from Medium down to Low (still ordered).
    const cell = page.locator("select[name='matrix[0][3]']");
    assert.equal(await cell.inputValue(), "2");
    await cell.selectOption("1");
    await page.fill("#f-title", "Risk method 2027");
    await page.fill("#f-note", "Minor impacts at rare likelihood are acceptable");
    await screenshot(page, "risk-method-edit");
    await Promise.all([page.waitForURL(/\/risk-method\?done=saved$/),
        page.getByRole("button", { name: "Save as new version" }).click()]);
    assert.match(await page.locator("#risk-method-versions").innerText(), /RM-2\s+Risk method 2027/);
    const first = page.locator("#risk-matrix tbody tr").last(); // likelihood 1
    assert.match(await first.locator("td").nth(3).innerText(), /Low/);
    const now = await api("/api/v1/risk-method");
    assert.equal(now.status, 200);
    assert.equal(now.json.id, "RM-2");
    assert.equal(now.json.definition.matrix[0][3], 1);
});

test("a refused grid comes back with the error at the cell, input kept", async () => {
    await page.goto(`${server.base}/risk-method/edit`);
    await page.locator("select[name='matrix[4][4]']").selectOption("1");
    await page.fill("#f-title", "Broken");
    await page.getByRole("button", { name: "Save as new version" }).click();
    await page.waitForSelector("#rm-errors");
    const td = page.locator("td.has-error select[name='matrix[4][4]']");
    assert.equal(await td.count(), 1);
    assert.equal(await td.inputValue(), "1");
    assert.equal(await page.locator("#f-title").inputValue(), "Broken");
    const now = await api("/api/v1/risk-method");
    assert.equal(now.json.id, "RM-2");
    assert.deepEqual(cspViolations, []);
});

test("the pages are valid HTML", async () => {
    const validator = new HtmlValidate(htmlValidateConfig);
    const problems = [];
    for (const url of ["/risk-method", "/risk-method/edit", "/risk-method/edit?preset=3",
        "/risk-method/edit?likelihood=1"]) {
        const res = await page.request.get(`${server.base}${url}`);
        const html = await res.text();
        const report = await validator.validateString(html, "page.html");
        const lines = html.split("\n");
        for (const result of report.results)
            for (const m of result.messages)
                problems.push(`${url} ${m.line}:${m.column} ${m.ruleId}: ${m.message}\n    ${(lines[m.line - 1] ?? "").trim().slice(0, 160)}`);
    }
    assert.deepEqual(problems, [], `HTML problems:\n${problems.join("\n")}`);
});

