// Signing in and out in a real browser (docs/WEB.md, docs/SECURITY.md): the
// login page sends back to the page asked for, a wrong password is answered
// plainly, the session cookie is HttpOnly and SameSite=Lax, signing out ends
// the session, a viewer who tries to change something is told which role
// it needs, and the change log names the signed-in user, whose person shows on
// their account, while only an administrator may redact. One isms server and
// one headless Chromium for the file.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";

import { launchBrowser, screenshot } from "./support/browser.mjs";
import { addUser, isms, startServer } from "./support/server.mjs";

const TEST_MS = 60_000;
const WAIT_MS = 10_000;

let server;
let browser;

before(async () => {
    server = await startServer({ name: "auth", org: "Brightwater Logistics GmbH" });
    addUser(server, "vera", "viewer", "vera password 1");
    browser = await launchBrowser();
});

after(async () => {
    await browser?.close();
    if (server) await server.stop();
});

async function newPage() {
    const context = await browser.newContext({ viewport: { width: 1366, height: 900 } });
    context.setDefaultTimeout(WAIT_MS);
    const errors = [];
    const page = await context.newPage();
    page.on("pageerror", (err) => errors.push(err.message));
    page.on("console", (msg) => {
        if (/Content Security Policy/i.test(msg.text())) errors.push(msg.text());
    });
    return { context, page, errors };
}

/** Fills and sends the login form of the page shown. */
async function signIn(page, name, password) {
    await page.fill("#f-name", name);
    await page.fill("#f-password", password);
    const [response] = await Promise.all([page.waitForNavigation(), page.click("form.login button[type=submit]")]);
    return response;
}

test("signing in: back to the page asked for, a wrong password said plainly, a safe cookie", { timeout: TEST_MS }, async () => {
    const { context, page, errors } = await newPage();
    try {
        await page.goto(`${server.base}/context-issues?origin=external`);
        assert.equal(new URL(page.url()).pathname, "/login");
        assert.equal(new URL(page.url()).searchParams.get("next"), "/context-issues?origin=external");
        assert.equal(await page.textContent("h1"), "Sign in");
        assert.equal(await page.locator("nav.sidebar").count(), 0, "no navigation before signing in");
        await screenshot(page, "login");

        let res = await signIn(page, server.admin, "not the password");
        assert.equal(res.status(), 401);
        assert.match(await page.textContent(".notice-error"), /The name or the password is wrong\./);
        assert.equal(await page.inputValue("#f-name"), server.admin, "the name is kept");
        assert.equal(await page.inputValue("#f-password"), "", "the password is not");

        res = await signIn(page, server.admin, server.password);
        assert.equal(res.status(), 200);
        const url = new URL(page.url());
        assert.equal(`${url.pathname}${url.search}`, "/context-issues?origin=external");
        assert.equal(await page.textContent("h1"), "Context issues");
        assert.equal(await page.textContent(".user-menu .user-name"), server.admin);

        const cookie = (await context.cookies()).find((c) => c.name === "isms_session");
        assert.ok(cookie, "a session cookie");
        assert.equal(cookie.httpOnly, true);
        assert.equal(cookie.sameSite, "Lax");
        assert.equal(cookie.value.length, 43);
        assert.equal(await page.evaluate(() => document.cookie), "", "scripts cannot read it");
        assert.deepEqual(errors, []);
    } finally {
        await context.close();
    }
});

test("signing out ends the session", { timeout: TEST_MS }, async () => {
    const { context, page, errors } = await newPage();
    try {
        await page.goto(`${server.base}/login`);
        await signIn(page, server.admin, server.password);
        assert.equal(new URL(page.url()).pathname, "/");
        await Promise.all([page.waitForNavigation(), page.click(".user-menu form.logout button")]);
        assert.equal(`${new URL(page.url()).pathname}${new URL(page.url()).search}`, "/login?out=1");
        assert.match(await page.textContent(".notice-ok"), /You are signed out\./);
        assert.equal((await context.cookies()).find((c) => c.name === "isms_session"), undefined);
        await page.goto(`${server.base}/account`);
        assert.equal(new URL(page.url()).pathname, "/login");
        assert.deepEqual(errors, []);
    } finally {
        await context.close();
    }
});

test("a viewer who tries to change a record is told which role it needs", { timeout: TEST_MS }, async () => {
    const { context, page, errors } = await newPage();
    try {
        await page.goto(`${server.base}/login?next=%2Fcontext-issues%2Fnew`);
        const res = await signIn(page, "vera", "vera password 1");
        assert.equal(res.status(), 403);
        assert.equal(await page.textContent("h1"), "Not allowed");
        const text = await page.textContent("main");
        assert.match(text, /needs the manager or contributor role/);
        assert.match(text, /signed in as vera, with the role: viewer/);
        await screenshot(page, "denied-viewer");
        // Reading is allowed, and a reader is not offered controls to change records.
        const list = await page.goto(`${server.base}/context-issues`);
        assert.equal(list.status(), 200);
        assert.equal(await page.locator("a[href='/context-issues/new']").count(), 0,
            "a viewer's list has no 'New context issue' button");
        const id = isms(["--db", server.db, "context-issue", "add", "--title", "Seen by a viewer",
            "--origin", "internal", "--category", "other"]).trim();
        assert.equal((await page.goto(`${server.base}/context-issues/${id}`)).status(), 200);
        assert.equal(await page.locator("a.button", { hasText: "Edit" }).count(), 0, "no Edit button");
        assert.equal(await page.locator("form[action$='/retire']").count(), 0, "no retire form");
        assert.equal(await page.locator("a.button", { hasText: "History" }).count(), 1,
            "the history stays readable");
        // The users page is the administrator's.
        const users = await page.goto(`${server.base}/users`);
        assert.equal(users.status(), 403);
        assert.match(await page.textContent("main"), /needs the admin role/);
        assert.deepEqual(errors, []);
    } finally {
        await context.close();
    }
});

test("account page: change the password, then every session ends", { timeout: TEST_MS }, async () => {
    addUser(server, "paul", "manager", "paul password 1");
    const first = await newPage();
    const second = await newPage();
    try {
        for (const { page } of [first, second]) {
            await page.goto(`${server.base}/login`);
            await signIn(page, "paul", "paul password 1");
        }
        const page = first.page;
        await page.goto(`${server.base}/account`);
        await screenshot(page, "account");
        await page.fill("#f-current", "paul password 1");
        await page.fill("#f-password", "paul password 2");
        await page.fill("#f-repeat", "paul password 2");
        await Promise.all([page.waitForNavigation(), page.click("#password button[type=submit]")]);
        assert.equal(`${new URL(page.url()).pathname}${new URL(page.url()).search}`, "/login?changed=1");
        await second.page.goto(`${server.base}/`);
        assert.equal(new URL(second.page.url()).pathname, "/login", "the other session ended too");
        const res = await signIn(page, "paul", "paul password 2");
        assert.equal(res.status(), 200);
        assert.deepEqual([...first.errors, ...second.errors], []);
    } finally {
        await first.context.close();
        await second.context.close();
    }
});

test("the change log names the signed-in user; only an administrator redacts", { timeout: TEST_MS }, async () => {
    const res = await fetch(`${server.base}/api/v1/people`, {
        method: "POST", headers: { ...server.authHeaders, "content-type": "application/json" },
        body: JSON.stringify({ name: "Lena Vogt", job_title: "CISO" }),
    });
    assert.equal(res.status, 201);
    const person = (await res.json()).id;
    addUser(server, "lena", "manager", "lena password 1");
    isms(["--db", server.db, "user", "set", "lena", "--person", person]);
    const lena = await newPage();
    const admin = await newPage();
    try {
        let page = lena.page;
        await page.goto(`${server.base}/login?next=%2Fcontext-issues%2Fnew`);
        await signIn(page, "lena", "lena password 1");
        await page.fill("#f-title", "Made by Lena in the browser");
        await page.selectOption("#f-origin", "internal");
        await page.selectOption("#f-category", { index: 1 });
        await page.selectOption("#f-owner", person);
        await Promise.all([page.waitForNavigation(), page.click('form.form button[type="submit"]')]);
        const id = /\/context-issues\/(ISS-\d+)\?done=created$/.exec(page.url())?.[1];
        assert.ok(id, `created: ${page.url()}`);
        await page.goto(`${server.base}/context-issues/${id}/history`);
        const row = page.locator("table.records tbody tr").first();
        assert.match(await row.innerText(), /\blena\b[\s\S]*\bweb\b/, "the history names lena and the web");
        await page.goto(`${server.base}/log?id=${id}`);
        const entry = await page.locator("table.records tbody td.id a").first().getAttribute("href");
        await page.goto(`${server.base}${entry}`);
        assert.equal(await page.locator("#redact").count(), 0, "a manager gets no redaction form");
        await page.goto(`${server.base}/account`);
        const link = page.locator("dl.fields > div", { has: page.locator('dt:text-is("Person")') }).locator("dd a");
        assert.equal(await link.innerText(), `${person} Lena Vogt`, "the account names the person");
        assert.equal(await link.getAttribute("href"), `/people/${person}`);

        page = admin.page;
        page.on("dialog", (dialog) => dialog.accept());
        await page.goto(`${server.base}/login?next=${encodeURIComponent(entry)}`);
        await signIn(page, server.admin, server.password);
        await page.fill("#f-reason", "Personal data past its retention");
        await Promise.all([page.waitForNavigation(), page.click("#redact button[type=submit]")]);
        assert.match(page.url(), /\?done=redacted$/);
        assert.match(await page.textContent("main"), /The content was redacted\./);
        await page.goto(`${server.base}/context-issues/${id}/history`);
        assert.match(await page.locator("table.records tbody").innerText(),
            new RegExp(`\\b${server.admin}\\b[\\s\\S]*\\bweb\\b`), "the redaction names the administrator");
        assert.deepEqual([...lena.errors, ...admin.errors], []);
    } finally {
        await lena.context.close();
        await admin.context.close();
    }
});
