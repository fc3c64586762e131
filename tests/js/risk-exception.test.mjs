// A top-management exception in a real browser (docs/RISK.md "Acceptance"):
// under the default 5 x 5 method a residual level "Very high" must be
// treated. The risk owner's signature alone leaves it pending; top management
// accepts it only as a time-limited exception, with an end date within the
// method's limit (365 days), signed on the risk's page with their own
// password. Everything through the pages; the API is only read, to check the
// pages told the truth.
//
// Run: ISMS_BIN=build/isms node --test tests/js/risk-exception.test.mjs
import assert from "node:assert/strict";
import { after, before, test } from "node:test";

import { launchBrowser, screenshot } from "./support/browser.mjs";
import { addUser, isms, signIn, startServer } from "./support/server.mjs";

const WAIT_MS = 10_000;
const BOARD = "bea";
const BOARD_PASSWORD = "bea board password 5678";
let server;
let browser;

async function api(path) {
    const res = await fetch(`${server.base}${path}`, { headers: server.authHeaders });
    assert.equal(res.status, 200, `GET ${path}`);
    return res.json();
}

/** The date (YYYY-MM-DD, UTC) days from today. */
function inDays(days) {
    return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
}

/** The signer's password, unless they confirmed who they are a few minutes ago
 * (the form then says so and asks for nothing). */
async function confirm(form, password) {
    const field = form.locator("#f-accept-sign_password");
    if (await field.count())
        await field.fill(password);
    else
        assert.match(await form.innerText(), /You confirmed who you are a few minutes ago/);
}

/** A page signed in as name, in a browser context of its own. */
async function pageAs(name, password) {
    const context = await browser.newContext({ viewport: { width: 1366, height: 900 } });
    await signIn(context, server, name, password);
    context.setDefaultTimeout(WAIT_MS);
    return context.newPage();
}

before(async () => {
    [server, browser] = await Promise.all([startServer({ name: "risk-exception" }), launchBrowser()]);
    const db = ["--db", server.db];
    // The administrator is the risk owner (PER-1), not in top management;
    // bea is a contributor whose person (PER-2) is.
    isms([...db, "person", "add", "--name", "Ada Owner"]);
    isms([...db, "person", "add", "--name", "Bea Board", "--top-management", "true"]);
    isms([...db, "user", "set", server.admin, "--person", "PER-1"]);
    addUser(server, BOARD, "contributor", BOARD_PASSWORD);
    isms([...db, "user", "set", BOARD, "--person", "PER-2"]);
    // Almost certain x severe, even after treatment: Very high, which must be treated.
    isms([...db, "risk", "add", "--title", "Ransomware on the unpatched ERP server", "--owner",
        "PER-1", "--likelihood", "5", "--impact", "5", "--residual-likelihood", "5",
        "--residual-impact", "5", "--treatment", "modify", "--controls", "8.8, 8.13",
        "--review-date", inDays(730)]);
});

after(async () => {
    await browser?.close();
    await server?.stop();
});

test("a Very high residual risk: the owner alone cannot accept it, top management grants a time-limited exception", async () => {
    const risk = await api("/api/v1/risks/RSK-1");
    assert.equal(risk.residual_level_label, "Very high");
    assert.equal(risk.acceptance, "none");

    // 1. The owner signs: the owner is offered no exception, and the signature
    //    alone leaves the risk pending top management.
    const owner = await pageAs(server.admin, server.password);
    await owner.goto(`${server.base}/risks/RSK-1`);
    assert.match(await owner.locator("#acceptance-state").innerText(), /Not accepted/);
    const ownerForm = owner.locator("#accept-form");
    assert.deepEqual(await ownerForm.locator("#f-role option").evaluateAll(
        (options) => options.map((o) => o.value)), ["owner"]);
    assert.equal(await ownerForm.locator("input[name='exception']").count(), 0,
        "only top management is offered an exception");
    await ownerForm.locator("#f-rationale").fill("Patching is planned; backups are offline");
    await ownerForm.locator("#f-accept-sign_password").fill(server.password);
    await Promise.all([owner.waitForURL(/\/risks\/RSK-1/),
        ownerForm.getByRole("button", { name: "Sign acceptance" }).click()]);
    assert.match(await owner.locator("#acceptance-state").innerText(), /Pending top management/);
    assert.doesNotMatch(await owner.locator("#acceptance-state").innerText(), /Accepted/);
    assert.equal(await owner.locator("table#acceptances tbody tr").count(), 1);
    assert.equal((await api("/api/v1/risks/RSK-1")).acceptance, "pending");

    // 2. Top management without an exception is refused: the level must be treated.
    const board = await pageAs(BOARD, BOARD_PASSWORD);
    await board.goto(`${server.base}/risks/RSK-1`);
    let form = board.locator("#accept-form");
    assert.deepEqual(await form.locator("#f-role option").evaluateAll(
        (options) => options.map((o) => o.value)), ["top-management"]);
    await form.locator("#f-rationale").fill("Accepted until the ERP is replaced");
    await confirm(form, BOARD_PASSWORD);
    await Promise.all([board.waitForURL(/\/risks\/RSK-1\/accept$/),
        form.getByRole("button", { name: "Sign acceptance" }).click()]);
    let summary = await board.locator(".error-summary").innerText();
    assert.match(summary, /Exception: is needed: the residual level Very high must be treated/);

    // 3. An exception ending past the method's limit (365 days) is refused, naming the field.
    form = board.locator("#accept-form");
    await form.locator("input[name='exception']").check();
    await form.locator("#f-exception_until").fill(inDays(400));
    await confirm(form, BOARD_PASSWORD);
    await Promise.all([board.waitForURL(/\/risks\/RSK-1\/accept$/),
        form.getByRole("button", { name: "Sign acceptance" }).click()]);
    summary = await board.locator(".error-summary").innerText();
    assert.match(summary, /Exception until: must be between today and \d{4}-\d{2}-\d{2} \(the method allows 365 days\)/);
    assert.equal(await board.locator(".error-summary a[href='#f-exception_until']").count(), 1);
    assert.equal((await api("/api/v1/risks/RSK-1")).acceptance, "pending", "nothing was signed");

    // 4. Within the limit: signed, and the risk is accepted until the exception ends.
    const until = inDays(90);
    form = board.locator("#accept-form");
    assert.equal(await form.locator("#f-rationale").inputValue(), "Accepted until the ERP is replaced");
    assert.equal(await form.locator("input[name='exception']").isChecked(), true);
    await form.locator("#f-exception_until").fill(until);
    await confirm(form, BOARD_PASSWORD);
    await Promise.all([board.waitForURL(/\/risks\/RSK-1#acceptance$/),
        form.getByRole("button", { name: "Sign acceptance" }).click()]);
    assert.match(await board.locator("#acceptance-state").innerText(), new RegExp(`Accepted until ${until}`));
    const rows = board.locator("table#acceptances tbody tr");
    assert.equal(await rows.count(), 2);
    const newest = rows.first(); // newest first: top management's exception
    const cells = newest.locator("td");
    assert.match(await cells.nth(1).innerText(), new RegExp(`^top-management\\s+exception until ${until}$`));
    assert.match(await cells.nth(2).innerText(), /Bea Board/);
    assert.equal((await cells.nth(4).innerText()).trim(), until, "it expires with the exception");
    assert.equal((await cells.nth(5).innerText()).trim(), "valid");
    assert.doesNotMatch(await rows.nth(1).locator("td").nth(1).innerText(), /exception/);
    await screenshot(board, "risk-exception-accepted");

    const accepted = await api("/api/v1/risks/RSK-1");
    assert.equal(accepted.acceptance, "accepted");
    assert.equal(accepted.accepted_until, until);
    const acc = await api("/api/v1/risk-acceptances/ACC-2");
    assert.equal(acc.role, "top-management");
    assert.equal(acc.exception, true);
    assert.equal(acc.exception_until, until);
});
