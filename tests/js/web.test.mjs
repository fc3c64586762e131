// The web pages (src/web) in a real browser, against docs/WEB.md, the contract
// of their URLs, markup, ids and classes: forms (create, errors, retire), lists
// (sort, filter, search), escaping of stored text, accessibility (axe-core),
// HTML validity (html-validate), the Content-Security-Policy and other headers,
// pages without JavaScript, and screenshots of every main page.
//
// One isms server (support/server.mjs) and one headless Chromium
// (support/browser.mjs, Debian's /usr/bin/chromium) for the whole file.
// Screenshots go to $ISMS_TEST_OUTPUT/screenshots (default build/test-output).
//
// Run: ISMS_BIN=build/isms node --test tests/js/   (npm ci --prefix tests/js first)
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { after, before, test } from "node:test";

import { HtmlValidate } from "html-validate";

import htmlValidateConfig from "./.htmlvalidate.mjs";
import { launchBrowser, screenshot } from "./support/browser.mjs";
import { isms, signIn, startServer } from "./support/server.mjs";

const require = createRequire(import.meta.url);
const AXE_SOURCE = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

const ORG = "Brightwater Logistics GmbH";
const DESKTOP = { width: 1366, height: 900 };
const TABLET = { width: 768, height: 1024 };
const WAIT_MS = 10_000; // longest wait for one page, selector or navigation
const TEST_MS = 60_000; // longest time for one test

/* The headers WEB.md promises, read from WEB.md itself so that the two cannot drift. */
const WEB_MD = readFileSync(new URL("../../docs/WEB.md", import.meta.url), "utf8");
const CSP = /`Content-Security-Policy: ([^`]+)`/.exec(WEB_MD)?.[1];
const ASSET_CACHE_CONTROL = /`Cache-Control: ([^`]+)`/.exec(WEB_MD)?.[1];

let server;
let base; // "http://127.0.0.1:PORT"
let kinds; // isms kinds --json
let browser;
let desktop; // browser context: JavaScript on, the pages' CSP enforced
let page; // the page of `desktop` that the tests share (a new page costs about 250 ms)
const seeded = new Map(); // kind name -> id of a record created through the API
const issues = {}; // context issues made for the list tests: name -> record

// Everything the browser reported on pages of the CSP-enforcing contexts.
const cspViolations = []; // "URL: what was refused"
const pageErrors = []; // uncaught exceptions in page scripts
const dialogs = []; // alert/confirm/prompt opened by a page

/* --- setup ----------------------------------------------------------------------- */

before(async () => {
    assert.ok(CSP, "docs/WEB.md names no `Content-Security-Policy: ...`");
    assert.ok(ASSET_CACHE_CONTROL, "docs/WEB.md names no `Cache-Control: ...` for assets");
    kinds = JSON.parse(isms(["kinds", "--json"])).kinds;
    // The server and the browser start side by side; whichever started is stopped by after().
    const started = await Promise.allSettled([
        startServer({ name: "web", org: ORG }).then((s) => { server = s; }),
        launchBrowser().then((b) => { browser = b; }),
    ]);
    for (const r of started) if (r.status === "rejected") throw r.reason;
    base = server.base;
    desktop = await newContext({ viewport: DESKTOP });
    [page] = await Promise.all([desktop.newPage(), seed()]);
});

after(async () => {
    await browser?.close();
    if (server) await server.stop(); // throws unless `isms serve` exits 0 on SIGTERM
});

/**
 * A browser context whose pages report CSP violations, script errors and dialogs
 * (a dialog is dismissed at once). Reports of contexts that bypass the CSP (axe,
 * the XSS checks) go to `own` only.
 */
async function newContext(options = {}, own = null) {
    const context = await browser.newContext({ viewport: DESKTOP, ...options });
    await signIn(context, server);
    context.setDefaultTimeout(WAIT_MS);
    context.setDefaultNavigationTimeout(WAIT_MS);
    const sink = own ?? { cspViolations, pageErrors, dialogs };
    context.on("page", (page) => {
        page.on("console", (msg) => {
            if (/Content Security Policy/i.test(msg.text()))
                sink.cspViolations.push(`${page.url()}: console ${msg.type()}: ${msg.text()}`);
        });
        page.on("pageerror", (err) => sink.pageErrors.push(`${page.url()}: ${err.message}`));
        page.on("dialog", (dialog) => {
            sink.dialogs.push(`${page.url()}: ${dialog.type()} ${JSON.stringify(dialog.message())}`);
            dialog.dismiss().catch(() => {});
        });
    });
    if (options.javaScriptEnabled !== false) {
        // The page's own report of each violation, besides the console line.
        await context.exposeBinding("__ismsCspViolation", ({ page }, v) => {
            sink.cspViolations.push(`${page.url()}: ${v.directive} refused ${v.blocked || "inline"}` +
                (v.source ? ` (${v.source}:${v.line})` : "") + (v.sample ? `: ${v.sample}` : ""));
        });
        await context.addInitScript(() => {
            document.addEventListener("securitypolicyviolation", (e) => {
                window.__ismsCspViolation({
                    directive: e.effectiveDirective || e.violatedDirective,
                    blocked: e.blockedURI,
                    source: e.sourceFile,
                    line: e.lineNumber,
                    sample: e.sample,
                });
            });
        });
    }
    return context;
}

/* --- helpers ------------------------------------------------------------------- */

const kind = (name) => {
    const k = kinds.find((x) => x.name === name);
    assert.ok(k, `isms kinds has no kind ${name}`);
    return k;
};

/** fetch with the administrator's API token (pages accept it too; no CSRF token needed). */
function authFetch(url, init = {}) {
    return fetch(url, { ...init, headers: { ...server.authHeaders, ...(init.headers ?? {}) } });
}

async function api(method, url, body) {
    const res = await authFetch(`${base}/api/v1${url}`, {
        method,
        headers: body === undefined ? {} : { "content-type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} /api/v1${url} answered ${res.status}: ${text}`);
    return text ? JSON.parse(text) : null;
}

const createIssue = (fields) => api("POST", "/context-issues", fields);

/*
 * One record of every kind (the pages of each kind are then not empty), and the
 * context issues the list tests sort and filter. Known kinds get realistic
 * values; a kind added later gets a value for each required field from its
 * type, so that it is covered too.
 */
const SEEDS = {
    "context-issue": { title: "NIS2 brings reporting duties", origin: "external", category: "regulatory",
        description: "Line one\nline two", effect: "More incident reporting", owner: "@person",
        review_date: "2027-03-31" },
    "climate-decision": { title: "Climate relevance 2026", relevant: true, reasoning: "Floods at the port site",
        decided_by: "Management board", decided_on: "2026-01-15" },
    "interested-party": { title: "Federal Office for Information Security", category: "regulator",
        origin: "external", expectations: "Timely incident reports" },
    requirement: { title: "Report significant incidents within 24 hours", party: "@interested-party",
        type: "legal", addressed: "yes", how_addressed: "Incident process PRC-1" },
    "scope-item": { title: "Hamburg headquarters", type: "site", inclusion: "included" },
    process: { title: "Incident handling", owner: "@person", status: "operating", purpose: "Handle incidents" },
    person: { name: "Jonas Weber", job_title: "Chief Information Security Officer",
        department: "Information security", email: "jonas.weber@brightwaterlogistics.example", top_management: false },
};

function sampleValue(field) {
    switch (field.type) {
        case "enum": return field.values[0];
        case "boolean": return true;
        case "integer": return 1; // the lowest level of a scale, and a count
        case "date": return "2027-03-31";
        case "ref": return `@${field.target}`;
        case "reflist": return [`@${field.target}`];
        default: return `Sample ${field.label}`.slice(0, field.max_length ?? 200);
    }
}

async function seedKind(k) {
    if (seeded.has(k.name)) return seeded.get(k.name);
    const fields = { ...(SEEDS[k.name] ?? {}) };
    // A method is a JSON document with rules of its own: the preset the server offers.
    if (k.name === "risk-method")
        fields.definition = JSON.stringify((await api("GET", "/risk-method/presets/5")).definition);
    for (const f of k.fields)
        if (f.required && !f.derived && fields[f.name] === undefined) fields[f.name] = sampleValue(f);
    for (const [name, value] of Object.entries(fields)) {
        const resolve = async (v) => (typeof v === "string" && v.startsWith("@") ? seedKind(kind(v.slice(1))) : v);
        fields[name] = Array.isArray(value) ? await Promise.all(value.map(resolve)) : await resolve(value);
    }
    const record = await api("POST", `/${k.plural}`, fields);
    seeded.set(k.name, record.id);
    return record.id;
}

async function seed() {
    // Signatures (risk-acceptance) are made by a signing act, not seeded: tests/js/risk-e2e.test.mjs.
    for (const k of kinds) if (!k.signed) await seedKind(k);
    // Titles in a clear order whatever the collation: A… < M… < Z….
    issues.alpha = await createIssue({ title: "Alpha supplier insolvency", origin: "external", category: "economic" });
    issues.mike = await createIssue({ title: "Mike: staff turnover in IT", origin: "internal", category: "organizational" });
    issues.zulu = await createIssue({ title: "Zulu port flooding", origin: "external", category: "environmental" });
    issues.internal = await createIssue({ title: "Legacy ERP without vendor support", origin: "internal", category: "technological" });
    // Real data is wide too: a long title, an owner with a long name and an address that cannot break.
    const wideOwner = await api("POST", "/people", { name: "Maximiliane Oberreiter-Schwarzenbach von Hohenlohe-Langenburg",
        job_title: "Head of Warehouse Systems", department: "IT operations",
        email: "it.operations.warehouse.systems@brightwaterlogistics.example" });
    issues.wide = await createIssue({ title: "Single cloud region for the warehouse management system, " +
        "the customs interfaces and the transport planning of all sites", origin: "external", category: "technological",
        owner: wideOwner.id, review_date: "2027-06-30" });
}

/** Navigates and checks the status of the document's response. */
async function visit(page, url, status = 200) {
    const res = await page.goto(`${base}${url}`, { waitUntil: "load" });
    assert.ok(res, `no response for ${url}`);
    assert.equal(res.status(), status, `GET ${url}: status ${res.status()}, expected ${status}`);
    return res;
}

/**
 * Clicks `locator` (a submit button), waits for the page at `urlPattern` and
 * returns the status of the POST: 303 for a redirect, else the page's own status.
 */
async function submit(page, locator, urlPattern) {
    const post = page.waitForResponse(
        (r) => r.request().method() === "POST" && r.request().isNavigationRequest());
    await Promise.all([page.waitForURL(urlPattern, { waitUntil: "load" }), locator.click()]);
    return (await post).status();
}

/** The text of each body row's cell in the column headed `header`. */
async function column(page, header) {
    return page.locator("table.records").evaluate((table, header) => {
        const ths = [...table.tHead.rows[0].cells];
        const i = ths.findIndex((th) => th.textContent.trim() === header);
        if (i < 0) throw new Error(`no column "${header}" in ${ths.map((th) => th.textContent.trim()).join(", ")}`);
        return [...table.tBodies[0].rows].map((tr) => tr.cells[i].textContent.trim());
    }, header);
}

const escapeRe = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/* --- 1. create through the form ---------------------------------------------------- */

/** Flow 1 on `page`: the create form, PRG to the detail page, the list; returns the new id. */
async function createThroughForm(page, title) {
    await visit(page, "/context-issues/new");
    const form = page.locator('form.form[method="post"][action="/context-issues"]');
    await form.locator("#f-title").fill(title);
    await form.locator("#f-origin").selectOption("internal");
    await form.locator("#f-category").selectOption("technological");
    const status = await submit(page, form.locator('button[type="submit"]'),
        /\/context-issues\/ISS-\d+\?done=created$/);
    assert.equal(status, 303, "a created record is a redirect (post-redirect-get)");

    const id = /\/context-issues\/(ISS-\d+)\?/.exec(page.url())[1];
    const notice = page.locator(".notice.notice-ok[role=status]");
    assert.equal(await notice.count(), 1, "the detail page after creating shows one .notice.notice-ok");
    assert.match(await notice.innerText(), /^Created\b/, "the notice says the record was created");
    assert.equal(await page.locator("main h1").innerText(), title);
    assert.match(await page.locator(".page-title .kicker").textContent(), new RegExp(`^${id} · Context issue$`));
    const dd = (label) => page.locator("dl.fields > div", { has: page.locator(`dt:text-is("${label}")`) }).locator("dd");
    assert.equal(await dd("Internal or external").innerText(), "internal");
    assert.equal(await dd("Category").innerText(), "technological");

    await visit(page, "/context-issues");
    const row = page.locator("table.records tbody tr", { has: page.locator(`td.id a[href="/context-issues/${id}"]`) });
    assert.equal(await row.count(), 1, `${id} is in the list /context-issues`);
    assert.equal(await row.locator("td.title").innerText(), title);
    return id;
}

test("1. a record created through the form: 303 to its page with a notice, then in the list", { timeout: TEST_MS }, async (t) => {
    const title = "Backup site lacks a second fibre line";
    const id = await createThroughForm(page, title);

    await t.test("the notice names the new record (WEB.md: 'Created ISS-9.')", async () => {
        await visit(page, `/context-issues/${id}?done=created`);
        assert.match(await page.locator(".notice.notice-ok").innerText(), new RegExp(`\\b${id}\\b`),
            "WEB.md shows the notice as 'Created ISS-9.'");
    });
});

/* --- 2. bad input ----------------------------------------------------------------- */

test("2. a refused form: 422, error summary, the error beside the field, values kept", { timeout: TEST_MS }, async () => {
    await visit(page, "/context-issues/new");
    const form = page.locator("form.form");
    const longEffect = "E".repeat(kind("context-issue").fields.find((f) => f.name === "effect").max_length + 1);
    const description = "Typed by the user\nsecond line <kept> & \"quoted\"";
    await form.locator("#f-title").fill("");
    await form.locator("#f-origin").selectOption("external");
    await form.locator("#f-category").selectOption("legal");
    await form.locator("#f-description").fill(description);
    await form.locator("#f-status").selectOption("monitored");
    // maxlength stops typing, not a client that ignores it: set the value as such a client sends it.
    await form.locator("#f-effect").evaluate((el, v) => { el.value = v; }, longEffect);
    // An owner who is no longer there (a stale form): the select sends a person id that does not exist.
    await form.locator("#f-owner").evaluate((el) => { el.add(new Option("PER-999 Gone", "PER-999")); el.value = "PER-999"; });

    const status = await submit(page, form.locator('button[type="submit"]'), `${base}/context-issues`);
    assert.equal(status, 422, "a refused create answers 422 with the form again");

    const summary = page.locator(".error-summary");
    assert.equal(await summary.count(), 1, "one .error-summary");
    assert.equal(await summary.getAttribute("role"), "alert");
    assert.ok(await summary.isVisible(), ".error-summary is visible");
    assert.equal(await summary.locator('a[href="#f-title"]').count(), 1, "the summary links to #f-title");
    assert.equal(await summary.locator('a[href="#f-owner"]').count(), 1, "the summary links to #f-owner");
    assert.equal(await summary.locator('a[href="#f-effect"]').count(), 1, "the summary links to #f-effect");
    assert.match(await summary.locator("h2").innerText(), /\d+ fields? needs? attention/);

    for (const name of ["title", "owner", "effect"]) {
        const field = page.locator(".field", { has: page.locator(`#f-${name}`) });
        assert.match(await field.getAttribute("class"), /\bhas-error\b/, `the ${name} field has class has-error`);
        const error = field.locator(`p.error#f-${name}-error`);
        assert.equal(await error.count(), 1, `a p.error#f-${name}-error beside #f-${name}`);
        assert.notEqual((await error.innerText()).trim(), "", `the ${name} error says something`);
        const input = page.locator(`#f-${name}`);
        assert.equal(await input.getAttribute("aria-invalid"), "true", `#f-${name} is aria-invalid`);
        assert.match(await input.getAttribute("aria-describedby"), new RegExp(`\\bf-${name}-error\\b`));
    }
    for (const name of ["origin", "category", "description", "status"]) {
        const field = page.locator(".field", { has: page.locator(`#f-${name}`) });
        assert.doesNotMatch(await field.getAttribute("class"), /\bhas-error\b/, `the ${name} field has no error`);
    }

    // The values typed are still there.
    assert.equal(await page.inputValue("#f-title"), "");
    assert.equal(await page.inputValue("#f-origin"), "external");
    assert.equal(await page.inputValue("#f-category"), "legal");
    assert.equal(await page.inputValue("#f-description"), description);
    assert.equal(await page.inputValue("#f-status"), "monitored");
    assert.equal(await page.inputValue("#f-effect"), longEffect, "the too long effect is shown as typed");
    assert.match(await page.locator("#f-owner-error").innerText(), /PER-999 does not exist/);

    // Put right, the same form creates the record; the owner is chosen among the people.
    const person = seeded.get("person");
    const options = await page.locator("#f-owner option").evaluateAll((os) => os.map((o) => [o.value, o.textContent]));
    assert.deepEqual(options[0], ["", "None"], "the owner select starts with None");
    assert.ok(options.some(([v, label]) => v === person && label === `${person} Jonas Weber`),
        `the owner select offers ${person} Jonas Weber: ${JSON.stringify(options)}`);
    assert.ok(options.every(([v]) => v === "" || /^PER-\d+$/.test(v)), "the owner select offers people only");
    await page.fill("#f-title", "Corrected after an error");
    await page.fill("#f-effect", "Fits now");
    await page.selectOption("#f-owner", { label: `${person} Jonas Weber` });
    const again = await submit(page, page.locator('form.form button[type="submit"]'), /\/context-issues\/ISS-\d+\?done=created$/);
    assert.equal(again, 303);
    assert.equal(await page.locator("main h1").innerText(), "Corrected after an error");
    const owner = page.locator("dl.fields > div", { has: page.locator('dt:text-is("Owner")') }).locator("dd a");
    assert.equal(await owner.innerText(), `${person} Jonas Weber`, "the detail page names the owner");
    assert.equal(await owner.getAttribute("href"), `/people/${person}`, "the owner links to the person");
    const id = /\/context-issues\/(ISS-\d+)\?/.exec(page.url())[1];

    // The person's page lists the issue among the records that refer to them.
    await Promise.all([page.waitForURL(`${base}/people/${person}`), owner.click()]);
    const back = page.locator("section.card", { has: page.locator('h2:text-is("Referred to by")') })
        .locator(`a[href="/context-issues/${id}"]`);
    assert.equal(await back.count(), 1, `${person}'s page links back to ${id}`);
});

/* --- 3. sort and filter -------------------------------------------------------------- */

test("3. a list sorted by a column header, filtered by a select, searched by text", { timeout: TEST_MS }, async (t) => {
    const seededTitles = [issues.alpha.title, issues.mike.title, issues.zulu.title];
    const order = (titles) => titles.filter((x) => seededTitles.includes(x));
    await visit(page, "/context-issues");
    const th = (label) => page.locator("table.records thead th").filter({ hasText: new RegExp(`^\\s*${escapeRe(label)}\\s*$`) });

    await t.test("sort by a header, then the other way", async () => {
        assert.equal(await th("Id").getAttribute("aria-sort"), "ascending", "the default sort is by id");
        await Promise.all([page.waitForURL(/[?&]sort=title(&|$)/), th("Title").locator("a").click()]);
        assert.equal(await th("Title").getAttribute("aria-sort"), "ascending");
        assert.match(await th("Title").getAttribute("class"), /\bsorted\b/);
        assert.equal(await th("Id").getAttribute("aria-sort"), null, "only the sorted column has aria-sort");
        assert.deepEqual(order(await column(page, "Title")), seededTitles, "ascending by title");

        await Promise.all([page.waitForURL(/[?&]sort=-title(&|$)/), th("Title").locator("a").click()]);
        assert.equal(await th("Title").getAttribute("aria-sort"), "descending");
        assert.deepEqual(order(await column(page, "Title")), [...seededTitles].reverse(), "descending by title");
    });

    await t.test("filter by origin with the select and Apply", async () => {
        await visit(page, "/context-issues");
        const filters = page.locator("form.filters[role=search]");
        await filters.locator("#f-origin").selectOption("internal");
        await Promise.all([page.waitForURL(/[?&]origin=internal(&|$)/),
            filters.locator(".filter-actions button[type=submit]").click()]);
        const origins = await column(page, "Internal or external");
        assert.ok(origins.length >= 2, `at least the 2 internal issues seeded, got ${origins.length} rows`);
        assert.deepEqual(origins.filter((o) => o !== "internal"), [], "every row is internal");
        const titles = await column(page, "Title");
        assert.ok(titles.includes(issues.internal.title) && titles.includes(issues.mike.title));
        assert.equal(await page.inputValue("form.filters #f-origin"), "internal", "the select shows the filter");
    });

    await t.test("search with q", async () => {
        await visit(page, "/context-issues?origin=internal");
        const filters = page.locator("form.filters");
        await filters.locator("#f-origin").selectOption(""); // "Any"
        await filters.locator("#f-q").fill("zulu");
        await Promise.all([page.waitForURL(/[?&]q=zulu(&|$)/),
            filters.locator(".filter-actions button[type=submit]").click()]);
        assert.deepEqual(await column(page, "Title"), [issues.zulu.title], "q finds the title, ignoring case");
        assert.equal(await page.inputValue("form.filters #f-q"), "zulu", "the search box keeps the text");
    });

    await t.test("a search without a match: p.empty", async () => {
        await visit(page, "/context-issues?q=no-such-words-anywhere");
        assert.equal(await page.locator("table.records").count(), 0, "no table without rows");
        assert.equal(await page.locator("p.empty").innerText(), "No context issues match.");
    });

    await t.test("a query the API refuses: 400 and a notice naming the parameter", async () => {
        await visit(page, "/context-issues?sort=no_such_field", 400);
        const notice = page.locator(".notice.notice-error");
        assert.equal(await notice.count(), 1, "WEB.md: the list page with notice notice-error naming the parameter");
        assert.match(await notice.innerText(), /\bsort\b/);
    });
});

/* --- 4. retire ----------------------------------------------------------------------- */

test("4. retiring through the detail page: reason required, badge and reason shown, list filters", { timeout: TEST_MS }, async () => {
    const record = await createIssue({ title: "Fax line for customs declarations", origin: "internal", category: "technological" });
    const id = record.id;
    const reason = "Customs moved to the ATLAS portal in 2026 & the fax line <was> cancelled";
    await visit(page, `/context-issues/${id}`);
    const retireForm = () => page.locator(`section.card.card-danger form[action="/context-issues/${id}/retire"]`);
    assert.equal(await retireForm().count(), 1, "the detail page has the retire form in section.card-danger");

    // Without a reason: 422, the detail page with the error beside the reason.
    const refused = await submit(page, retireForm().locator('button[type="submit"]'), `${base}/context-issues/${id}/retire`);
    assert.equal(refused, 422, "retiring without a reason answers 422");
    const reasonField = page.locator(".field.has-error", { has: page.locator("#f-reason") });
    assert.equal(await reasonField.count(), 1, "the reason field has class has-error");
    assert.notEqual((await reasonField.locator(".error").innerText()).trim(), "");
    assert.equal(await page.locator(".badges .badge", { hasText: /retired/i }).count(), 0, "not retired yet");

    await retireForm().locator("#f-reason").fill(reason);
    const status = await submit(page, retireForm().locator('button[type="submit"]'),
        new RegExp(`/context-issues/${id}\\?done=retired$`));
    assert.equal(status, 303, "a retirement is a redirect (post-redirect-get)");
    assert.equal(await page.locator(".notice.notice-ok[role=status]").count(), 1, "a notice after retiring");
    const badge = page.locator(".page-head .badges .badge", { hasText: /retired/i });
    assert.equal(await badge.count(), 1, "a Retired badge in .badges");
    assert.match(await badge.getAttribute("class"), /\bbadge-muted\b/, "retired is badge-muted");
    assert.ok(await page.getByText(reason, { exact: true }).isVisible(), "the reason is shown as typed");

    await visit(page, "/context-issues");
    assert.equal(await page.locator(`table.records a[href="/context-issues/${id}"]`).count(), 0,
        "a retired record is not in the default list");
    await visit(page, "/context-issues?retired=include");
    const row = page.locator("table.records tbody tr", { has: page.locator(`a[href="/context-issues/${id}"]`) });
    assert.equal(await row.count(), 1, "retired=include lists it");
    assert.match(await row.getAttribute("class"), /\bretired\b/, "its row has class retired");
});

/* --- 5. stored markup is text ----------------------------------------------------------- */

const PAYLOADS = [
    "<script>window.__xss=1</script>",
    '"><img src=x onerror=window.__xss=1>',
    "javascript:window.__xss=1",
    "' onmouseover='window.__xss=1' x='",
];

test("5. stored <script>, attribute breakouts and javascript: URLs show as text", { timeout: TEST_MS }, async () => {
    // The CSP would stop an injected script; bypass it so that only the escaping is tested.
    const own = { cspViolations: [], pageErrors: [], dialogs: [] };
    const context = await newContext({ bypassCSP: true }, own);
    const page = await context.newPage();
    try {
        const records = [];
        for (const payload of PAYLOADS) {
            const owner = await api("POST", "/people", { name: payload.slice(0, 120) });
            records.push({ ...(await createIssue({ title: payload, origin: "external", category: "other",
                description: `Before ${payload} after`, owner: owner.id })), ownerName: owner.name });
        }

        const noInjection = async (where) => {
            const found = await page.evaluate(() => ({
                xss: window.__xss,
                inlineScripts: document.querySelectorAll("script:not([src])").length,
                img: document.querySelectorAll('img[src="x"]').length,
                handlers: [...document.querySelectorAll("*")].filter((el) =>
                    [...el.attributes].some((a) => a.name.startsWith("on"))).map((el) => el.outerHTML.slice(0, 120)),
                jsLinks: [...document.querySelectorAll("[href], [src], [action], [formaction]")].filter((el) =>
                    ["href", "src", "action", "formaction"].some((a) => /^\s*javascript:/i.test(el.getAttribute(a) ?? "")))
                    .map((el) => el.outerHTML.slice(0, 120)),
            }));
            assert.equal(found.xss, undefined, `${where}: window.__xss was set`);
            assert.equal(found.inlineScripts, 0, `${where}: an inline <script> is in the DOM`);
            assert.equal(found.img, 0, `${where}: an <img src=x> is in the DOM`);
            assert.deepEqual(found.handlers, [], `${where}: elements with on* attributes`);
            assert.deepEqual(found.jsLinks, [], `${where}: javascript: URLs in links or forms`);
        };

        await visit(page, "/people");
        await noInjection("list /people");
        await visit(page, "/context-issues");
        await noInjection("list");
        for (const r of records) {
            const cell = page.locator("table.records tbody tr", { has: page.locator(`td.id a[href="/context-issues/${r.id}"]`) })
                .locator("td.title a");
            assert.equal(await cell.textContent(), r.title, `list: ${r.id}'s title as text`);
        }
        for (const r of records) {
            await visit(page, `/context-issues/${r.id}`);
            await noInjection(`detail ${r.id}`);
            assert.equal(await page.locator("main h1").textContent(), r.title, `detail ${r.id}: the title as text`);
            assert.ok(await page.getByText(r.description, { exact: true }).isVisible(), `detail ${r.id}: the description as text`);

            await visit(page, `/context-issues/${r.id}/edit`);
            await noInjection(`edit ${r.id}`);
            assert.equal(await page.inputValue("#f-title"), r.title, `edit ${r.id}: the title input holds the text`);
            assert.equal(await page.inputValue("#f-description"), r.description, `edit ${r.id}: the description as text`);
            assert.equal(await page.inputValue("#f-owner"), r.owner, `edit ${r.id}: the owner is selected`);
            assert.equal(await page.locator("#f-owner option:checked").textContent(), `${r.owner} ${r.ownerName}`,
                `edit ${r.id}: the owner's name as text`);
        }
        // A URL-like text field (a requirement's source) is not made a link to javascript:.
        const requirement = await api("POST", "/requirements", {
            title: "Customer contract with a javascript: source", party: seeded.get("interested-party"), type: "contractual",
            source: "javascript:window.__xss=1", addressed: "yes", how_addressed: PAYLOADS[1] });
        await visit(page, "/requirements");
        await noInjection("list /requirements");
        await visit(page, `/requirements/${requirement.id}`);
        await noInjection(`detail ${requirement.id}`);
        assert.ok(await page.getByText(requirement.source, { exact: true }).isVisible(), `detail ${requirement.id}: the source as text`);

        assert.deepEqual(own.dialogs, [], "no dialog opened");
        assert.deepEqual(own.pageErrors, [], "no script error");
    } finally {
        await context.close();
    }
});

/* --- the main pages -------------------------------------------------------------------- */

/** Opens the create form and submits it empty: the form with errors (422). */
async function openFormWithErrors(page) {
    await visit(page, "/context-issues/new");
    const status = await submit(page, page.locator('form.form button[type="submit"]'), `${base}/context-issues`);
    assert.equal(status, 422, "the empty create form is refused with 422");
    await page.locator(".error-summary").waitFor();
}

/** The main pages: [name, open(page)]. */
function mainPages() {
    const pages = [
        ["overview", (p) => visit(p, "/")],
        ["clause-4", (p) => visit(p, "/clauses/4")],
        ["clause-5", (p) => visit(p, "/clauses/5")],
    ];
    for (const k of kinds) pages.push([`list-${k.plural}`, (p) => visit(p, `/${k.plural}`)]);
    pages.push(
        ["detail-context-issue", (p) => visit(p, `/context-issues/${seeded.get("context-issue")}`)],
        ["detail-requirement", (p) => visit(p, `/requirements/${seeded.get("requirement")}`)],
        ["detail-person", (p) => visit(p, `/people/${seeded.get("person")}`)],
        ["create-context-issue", (p) => visit(p, "/context-issues/new")],
        ["edit-context-issue", (p) => visit(p, `/context-issues/${seeded.get("context-issue")}/edit`)],
        ["form-with-errors", openFormWithErrors],
    );
    return pages;
}

/*
 * One pass over the main pages in the CSP-enforcing context serves tests 6, 7
 * and 9: each page is opened once, photographed, then checked by axe-core. The
 * pages' CSP refuses an injected <script>; evaluating axe's source through the
 * DevTools protocol is not subject to it, so the pages keep their CSP.
 */
let mainPass;
function mainPagesPass() {
    mainPass ??= (async () => {
        const axeProblems = [];
        const brokenImages = new Map(); // image URL -> names of the pages showing it
        for (const [name, open] of mainPages()) {
            await open(page);
            for (const src of await page.evaluate(() =>
                [...document.images].filter((img) => !img.complete || img.naturalWidth === 0).map((img) => img.src)))
                brokenImages.set(src, [...(brokenImages.get(src) ?? []), name]);
            await screenshot(page, `desktop-${name}`);
            await page.evaluate(AXE_SOURCE);
            const violations = await page.evaluate(async () =>
                (await window.axe.run(document, { resultTypes: ["violations"] })).violations.map((v) => ({
                    id: v.id, impact: v.impact, help: v.help,
                    targets: v.nodes.map((n) => n.target.join(" ")),
                })));
            for (const v of violations.filter((v) => v.impact === "serious" || v.impact === "critical"))
                axeProblems.push(`${name} (${page.url()}): ${v.id} [${v.impact}] ${v.help}\n    at ${v.targets.join("\n    at ")}`);
        }
        return { axeProblems, brokenImages };
    })();
    return mainPass;
}

/* --- 6. screenshots ------------------------------------------------------------------ */

test("6. screenshots of the main pages at 1366×900, list and detail at 768×1024", { timeout: TEST_MS }, async (t) => {
    const { brokenImages } = await mainPagesPass(); // desktop-<page>.png
    const sideways = []; // pages wider than the tablet's screen
    await page.setViewportSize(TABLET);
    try {
        for (const [name, open] of mainPages().filter(([n]) => n === "list-context-issues" || n === "detail-context-issue")) {
            await open(page);
            const width = await page.evaluate(() => document.documentElement.scrollWidth);
            if (width > TABLET.width) sideways.push(`${name} (${page.url()}) is ${width} px wide`);
            await screenshot(page, `tablet-${name}`);
        }
    } finally {
        await page.setViewportSize(DESKTOP);
    }

    await t.test("at 768 px the pages do not scroll sideways (a wide table scrolls in its .table-wrap)", () => {
        assert.deepEqual(sideways, [], `pages wider than ${TABLET.width} px:\n${sideways.join("\n")}`);
    });

    await t.test("every image on the main pages loads (the screenshots show them)", () => {
        const broken = [...brokenImages].map(([src, pages]) => `${src} (on ${pages.join(", ")})`);
        assert.deepEqual(broken, [], `images that did not load (not an image, or an error status):\n${broken.join("\n")}`);
    });
});

/* --- 7. accessibility ---------------------------------------------------------------- */

test("7. axe-core finds nothing serious or critical on the main pages", { timeout: TEST_MS }, async () => {
    const { axeProblems } = await mainPagesPass();
    assert.deepEqual(axeProblems, [], `axe violations:\n${axeProblems.join("\n")}`);
});

/* --- 8. HTML validity ---------------------------------------------------------------- */

const FORM = { "content-type": "application/x-www-form-urlencoded" };

/** Every page to validate: [name, url, init, expected status]. */
function pagesToFetch() {
    const list = [
        ["overview", "/", {}, 200],
        ["sign-in page", "/login?next=%2Fcontext-issues", {}, 200],
        ["your account", "/account", {}, 200],
        ["users", "/users", {}, 200],
        ["one user", "/users/admin", {}, 200],
        ["404 page", "/no-such-page", {}, 404],
        ["unknown record", "/context-issues/ISS-999999", {}, 404],
        ["refused list query", "/context-issues?sort=no_such_field", {}, 400],
        ["list sorted, filtered", "/context-issues?sort=-title&origin=external&q=a&retired=include", {}, 200],
        ["list, empty", "/context-issues?q=no-such-words-anywhere", {}, 200],
        ["list, a page of 2", "/context-issues?limit=2", {}, 200],
        ["import page", "/context-issues/import", {}, 200],
    ];
    for (let n = 4; n <= 10; n++) list.push([`clause ${n}`, `/clauses/${n}`, {}, 200]);
    for (const k of kinds) {
        const id = seeded.get(k.name);
        list.push([`list ${k.plural}`, `/${k.plural}`, {}, 200]);
        list.push([`create form ${k.plural}`, `/${k.plural}/new`, {}, 200]);
        if (id) list.push([`detail ${id}`, `/${k.plural}/${id}`, {}, 200]);
        if (id && !k.immutable) list.push([`edit form ${id}`, `/${k.plural}/${id}/edit`, {}, 200]);
        // A signature's generic form is refused whatever it holds: it is signed on the risk's page.
        list.push([`create form with errors ${k.plural}`, `/${k.plural}`,
            { method: "POST", headers: { ...FORM, origin: base }, body: "" }, k.signed ? 403 : 422]);
    }
    const issue = seeded.get("context-issue");
    list.push(
        ["create form with errors, values kept", "/context-issues", { method: "POST", headers: { ...FORM, origin: base },
            body: new URLSearchParams({ title: "", origin: "external", category: "legal", description: "x <y> & z",
                effect: "", climate_related: "", owner: "PER-999", status: "open", review_date: "2026-02-30" }).toString() }, 422],
        ["retire without a reason", `/context-issues/${issue}/retire`,
            { method: "POST", headers: { ...FORM, origin: base }, body: "version=1&reason=" }, 422],
    );
    return list;
}

test("8. every page is valid HTML (html-validate, recommended)", { timeout: TEST_MS }, async () => {
    const validator = new HtmlValidate(htmlValidateConfig);
    const problems = [];
    for (const [name, url, init, status] of pagesToFetch()) {
        const res = await authFetch(`${base}${url}`, { redirect: "manual", ...init });
        const html = await res.text();
        if (res.status !== status) {
            problems.push(`${name}: ${init.method ?? "GET"} ${url} answered ${res.status}, expected ${status}`);
            continue;
        }
        if (!/^text\/html\b/.test(res.headers.get("content-type") ?? "")) {
            problems.push(`${name}: ${url} is ${res.headers.get("content-type")}, not text/html`);
            continue;
        }
        const report = await validator.validateString(html, `${name}.html`);
        const lines = html.split("\n");
        for (const result of report.results)
            for (const m of result.messages)
                problems.push(`${name} (${url}) ${m.line}:${m.column} ${m.ruleId}: ${m.message}\n    ${(lines[m.line - 1] ?? "").trim().slice(0, 160)}`);
    }
    assert.deepEqual(problems, [], `HTML problems:\n${problems.join("\n")}`);
});

/* --- 9. CSP and headers --------------------------------------------------------------- */

test("9. headers: CSP and nosniff on HTML, cached assets with ETag and 304, no CSP violation in the browser", { timeout: TEST_MS }, async (t) => {
    await t.test("every HTML response carries the CSP of WEB.md and nosniff", async () => {
        const problems = [];
        for (const [name, url, init] of pagesToFetch()) {
            const res = await authFetch(`${base}${url}`, { redirect: "manual", ...init });
            await res.arrayBuffer();
            const csp = res.headers.get("content-security-policy");
            if (csp !== CSP) problems.push(`${name} (${url}): Content-Security-Policy ${JSON.stringify(csp)}`);
            const nosniff = res.headers.get("x-content-type-options");
            if (nosniff !== "nosniff") problems.push(`${name} (${url}): X-Content-Type-Options ${JSON.stringify(nosniff)}`);
        }
        assert.deepEqual(problems, [], `expected ${CSP} and nosniff:\n${problems.join("\n")}`);
    });

    await t.test("assets: linked with ?v=ETAG, long Cache-Control, ETag, 304 on If-None-Match", async () => {
        const html = await (await authFetch(`${base}/`)).text();
        const problems = [];
        for (const [file, type] of [["style.css", /^text\/css\b/], ["app.js", /^(text|application)\/javascript\b/], ["icon.svg", /^image\/svg\+xml\b/]]) {
            const link = new RegExp(`(?:href|src)="(/static/${escapeRe(file)}\\?v=([^"&]+))"`).exec(html);
            if (!link) {
                problems.push(`the overview links no /static/${file}?v=…`);
                continue;
            }
            for (const url of [`/static/${file}`, link[1].replace(/&amp;/g, "&")]) {
                const res = await authFetch(`${base}${url}`);
                await res.arrayBuffer();
                const etag = res.headers.get("etag");
                if (res.status !== 200) problems.push(`${url}: status ${res.status}`);
                if (!type.test(res.headers.get("content-type") ?? "")) problems.push(`${url}: Content-Type ${res.headers.get("content-type")}`);
                if (res.headers.get("cache-control") !== ASSET_CACHE_CONTROL)
                    problems.push(`${url}: Cache-Control ${JSON.stringify(res.headers.get("cache-control"))}, expected ${ASSET_CACHE_CONTROL}`);
                if (res.headers.get("x-content-type-options") !== "nosniff") problems.push(`${url}: no X-Content-Type-Options: nosniff`);
                if (!etag) {
                    problems.push(`${url}: no ETag`);
                    continue;
                }
                if (etag.replace(/^W\//, "").replace(/"/g, "") !== link[2]) problems.push(`${url}: ETag ${etag} but linked as ?v=${link[2]}`);
                const again = await authFetch(`${base}${url}`, { headers: { "if-none-match": etag } });
                const body = await again.text();
                if (again.status !== 304) problems.push(`${url}: If-None-Match ${etag} answered ${again.status}, expected 304`);
                else if (body !== "") problems.push(`${url}: a 304 with a body`);
                const other = await authFetch(`${base}${url}`, { headers: { "if-none-match": '"not-the-etag"' } });
                await other.arrayBuffer();
                if (other.status !== 200) problems.push(`${url}: another If-None-Match answered ${other.status}, expected 200`);
            }
        }
        assert.deepEqual(problems, [], problems.join("\n"));
    });

    await t.test("no CSP violation or script error in the browser on any page", async () => {
        // The main pages, a 404 page, and everything the other tests opened in
        // the contexts that keep the CSP.
        await mainPagesPass();
        await visit(page, "/no-such-page", 404);
        assert.deepEqual(cspViolations, [], `CSP violations:\n${cspViolations.join("\n")}`);
        assert.deepEqual(pageErrors, [], `script errors:\n${pageErrors.join("\n")}`);
        assert.deepEqual(dialogs, [], `dialogs:\n${dialogs.join("\n")}`);
    });
});

/* --- 10. without JavaScript ------------------------------------------------------------- */

test("10. without JavaScript, a record is created through the form all the same", { timeout: TEST_MS }, async () => {
    const context = await newContext({ javaScriptEnabled: false });
    try {
        await createThroughForm(await context.newPage(), "Created with JavaScript off");
    } finally {
        await context.close();
    }
    assert.deepEqual(cspViolations, [], `CSP violations:\n${cspViolations.join("\n")}`);
});

/* --- 11. a CSV file uploaded on the import page ----------------------------------------- */

test("11. a CSV file chosen on the import page is checked, then applied", { timeout: TEST_MS }, async () => {
    await visit(page, "/context-issues/import");
    const csv = "title,origin,category\r\nUploaded in the browser,internal,legal\r\n";
    await page.locator("#f-file").setInputFiles({ name: "issues.csv", mimeType: "text/csv", buffer: Buffer.from(csv) });
    assert.equal(await submit(page, page.getByRole("button", { name: "Check" }), /\/context-issues\/import$/), 200);
    await page.getByText("Check passed: 1 rows would be created").waitFor({ timeout: WAIT_MS });
    assert.equal(await page.locator("#f-csv").inputValue(), csv.replace(/\r\n/g, "\n"));
    assert.equal(await submit(page, page.getByRole("button", { name: "Apply" }), /\/context-issues\/import$/), 200);
    await page.getByText("Imported: 1 created, 0 updated, 0 unchanged.").waitFor({ timeout: WAIT_MS });
    await visit(page, "/context-issues?q=Uploaded+in+the+browser");
    assert.deepEqual(await column(page, "Title"), ["Uploaded in the browser"]);
    assert.deepEqual(cspViolations, [], `CSP violations:\n${cspViolations.join("\n")}`);
});
