// The risk workflow end to end in a real browser, as a risk owner does it:
// edit the method's matrix, add a risk through its form, see it in its heat
// map cell, sign the acceptance of its residual risk, and see the residual
// heat map and the risk's acceptance change. Everything through the pages;
// the API is only read, to check the pages told the truth.
//
// Run: ISMS_BIN=build/isms node --test tests/js/risk-e2e.test.mjs
import assert from "node:assert/strict";
import { after, before, test } from "node:test";

import { launchBrowser, screenshot } from "./support/browser.mjs";
import { isms, signIn, startServer } from "./support/server.mjs";

const WAIT_MS = 10_000;
let server;
let browser;
let page;

async function api(path) {
    const res = await fetch(`${server.base}${path}`, { headers: server.authHeaders });
    assert.equal(res.status, 200, `GET ${path}`);
    return res.json();
}

/** The count shown in a heat map's cell ("current" or "residual") on /risks. */
async function cellCount(map, likelihood, impact) {
    const cell = page.locator(
        `#heatmap-${map} a.heat-cell[data-likelihood="${likelihood}"][data-impact="${impact}"]`);
    return Number(await cell.locator("text").textContent());
}

async function cellFill(map, likelihood, impact) {
    const cell = page.locator(
        `#heatmap-${map} a.heat-cell[data-likelihood="${likelihood}"][data-impact="${impact}"]`);
    return cell.locator("rect").getAttribute("fill");
}

function inAYear() {
    const d = new Date();
    d.setUTCFullYear(d.getUTCFullYear() + 1);
    return d.toISOString().slice(0, 10);
}

before(async () => {
    [server, browser] = await Promise.all([startServer({ name: "risk-e2e" }), launchBrowser()]);
    // The administrator is the risk owner: a person, linked to the account that signs.
    const res = await fetch(`${server.base}/api/v1/people`, {
        method: "POST",
        headers: { ...server.authHeaders, "content-type": "application/json" },
        body: JSON.stringify({ name: "Ada Owner", top_management: true }),
    });
    assert.equal(res.status, 201);
    isms(["--db", server.db, "user", "set", server.admin, "--person", "PER-1"]);
    const context = await browser.newContext({ viewport: { width: 1366, height: 900 } });
    await signIn(context, server);
    context.setDefaultTimeout(WAIT_MS);
    page = await context.newPage();
});

after(async () => {
    await browser?.close();
    await server?.stop();
});

test("edit the matrix, add a risk, sign its acceptance, and watch the heat maps", async () => {
    // 1. The method: likelihood 3 x impact 3 goes from Medium up to High.
    await page.goto(`${server.base}/risks`);
    assert.equal(await cellFill("current", 3, 3), "#F9A825"); // Medium in the 5 x 5 preset
    assert.equal(await cellCount("current", 3, 3), 0);
    await page.goto(`${server.base}/risk-method/edit`);
    await page.locator("select[name='matrix[2][2]']").selectOption("3");
    await page.fill("#f-title", "Risk method, stricter in the middle");
    await Promise.all([page.waitForURL(/\/risk-method\?done=saved$/),
        page.getByRole("button", { name: "Save as new version" }).click()]);
    await page.goto(`${server.base}/risks`);
    assert.equal(await cellFill("current", 3, 3), "#EF6C00", "the cell is High now");

    // 2. A risk through its form, scored in that cell.
    await page.goto(`${server.base}/risks/new`);
    await page.fill("#f-title", "Customer data leaves with a lost laptop");
    await page.locator("#f-owner").selectOption("PER-1");
    await page.fill("#f-likelihood", "3");
    await page.fill("#f-impact", "3");
    await page.fill("#f-treatment", "modify");
    await page.fill("#f-controls", "8.1, 8.24");
    await page.fill("#f-residual_likelihood", "2");
    await page.fill("#f-residual_impact", "2");
    await page.fill("#f-review_date", inAYear());
    await Promise.all([page.waitForURL(/\/risks\/RSK-1/),
        page.getByRole("button", { name: /Create|Save|Add/ }).click()]);
    const risk = await api("/api/v1/risks/RSK-1");
    assert.equal(risk.level_label, "High");
    assert.equal(risk.method, "RM-2");
    assert.equal(risk.acceptance, "none");

    // 3. The current heat map counts it in its cell; the residual one in (2, 2).
    await page.goto(`${server.base}/risks`);
    assert.equal(await cellCount("current", 3, 3), 1);
    assert.equal(await cellCount("residual", 2, 2), 1);
    await screenshot(page, "risk-e2e-heatmap");

    // 4. The owner signs the acceptance with their own password.
    await page.goto(`${server.base}/risks/RSK-1`);
    assert.match(await page.locator("#acceptance-state").innerText(), /Not accepted/);
    const form = page.locator("#accept-form");
    await form.locator("#f-role").selectOption("owner");
    await form.locator("#f-rationale").fill("Full-disk encryption leaves a lost laptop unreadable");
    await form.locator("#f-accept-sign_password").fill(server.password);
    await Promise.all([page.waitForURL(/\/risks\/RSK-1/),
        form.getByRole("button", { name: "Sign acceptance" }).click()]);
    assert.match(await page.locator("#acceptance-state").innerText(), /Accepted until/);
    assert.equal(await page.locator("table#acceptances tbody tr").count(), 1);
    assert.equal((await api("/api/v1/risks/RSK-1")).acceptance, "accepted");
    await screenshot(page, "risk-e2e-accepted");

    // 5. A new residual score moves the risk to another residual cell and invalidates
    //    what was signed, visibly.
    await page.goto(`${server.base}/risks/RSK-1/edit`);
    await page.fill("#f-residual_impact", "3");
    await Promise.all([page.waitForURL(/\/risks\/RSK-1(\?|$)/),
        page.getByRole("button", { name: /Save/ }).click()]);
    assert.match(await page.locator("#acceptance-state").innerText(), /Invalidated/);
    await page.goto(`${server.base}/risks`);
    assert.equal(await cellCount("residual", 2, 2), 0);
    assert.equal(await cellCount("residual", 2, 3), 1);
});
