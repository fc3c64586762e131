// The second factor in a real browser (docs/WEB.md, docs/SECURITY.md): a user
// sets it up on /account/totp by reading the key the page shows (the test
// computes the codes itself, RFC 6238 with node:crypto), gets ten recovery
// codes once, signs out and in again with a code, and turns it off as a
// signing act (password and a recovery code). The new pages are checked with
// axe-core and html-validate like the other pages, and the QR code's SVG is
// parsed by the browser.
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { after, before, test } from "node:test";

import { HtmlValidate } from "html-validate";

import htmlValidateConfig from "./.htmlvalidate.mjs";
import { launchBrowser, screenshot } from "./support/browser.mjs";
import { addUser, startServer } from "./support/server.mjs";

const require = createRequire(import.meta.url);
const AXE_SOURCE = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

const TEST_MS = 60_000;
const WAIT_MS = 10_000;
const NAME = "tara";
const PASSWORD = "tara password 1";

let server;
let browser;

before(async () => {
    server = await startServer({ name: "totp", org: "Brightwater Logistics GmbH" });
    addUser(server, NAME, "manager", PASSWORD);
    browser = await launchBrowser();
});

after(async () => {
    await browser?.close();
    if (server) await server.stop();
});

/** RFC 4648 base32 into bytes. */
function base32Decode(text) {
    const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    let bits = 0;
    let value = 0;
    const out = [];
    for (const ch of text.replace(/=+$/, "")) {
        const i = alphabet.indexOf(ch);
        if (i < 0) throw new Error(`not base32: ${ch}`);
        value = (value << 5) | i;
        bits += 5;
        if (bits >= 8) {
            out.push((value >>> (bits - 8)) & 0xff);
            bits -= 8;
        }
    }
    return Buffer.from(out);
}

/** RFC 6238 (HMAC-SHA-1, 30 s, 6 digits) of a base32 secret, `steps` from now. */
function totp(secret, steps = 0) {
    const counter = BigInt(Math.floor(Date.now() / 1000 / 30) + steps);
    const msg = Buffer.alloc(8);
    msg.writeBigUInt64BE(counter);
    const mac = createHmac("sha1", base32Decode(secret)).update(msg).digest();
    const offset = mac[mac.length - 1] & 0xf;
    const n = (mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000;
    return String(n).padStart(6, "0");
}

test("the RFC 6238 reference of this test agrees with Appendix B", () => {
    // T = 59 s: 94287082 with 8 digits, so 287082 with 6 (the secret "12345678901234567890").
    const key = Buffer.from("12345678901234567890");
    const msg = Buffer.alloc(8);
    msg.writeBigUInt64BE(1n);
    const mac = createHmac("sha1", key).update(msg).digest();
    const o = mac[19] & 0xf;
    assert.equal((mac.readUInt32BE(o) & 0x7fffffff) % 100_000_000, 94287082);
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

async function submit(page, selector) {
    const [response] = await Promise.all([page.waitForNavigation(), page.click(selector)]);
    return response;
}

const validator = new HtmlValidate(htmlValidateConfig);
const problems = [];

/** html-validate on a page's HTML as served, and axe-core on the page shown. */
async function check(page, response, name) {
    const html = await response.text();
    const report = await validator.validateString(html, `${name}.html`);
    for (const result of report.results)
        for (const m of result.messages) problems.push(`${name} ${m.line}:${m.column} ${m.ruleId}: ${m.message}`);
    await page.evaluate(AXE_SOURCE);
    const violations = await page.evaluate(async () =>
        (await window.axe.run(document, { resultTypes: ["violations"] })).violations
            .filter((v) => v.impact === "serious" || v.impact === "critical")
            .map((v) => `${v.id}: ${v.help} at ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`));
    for (const v of violations) problems.push(`${name} (axe) ${v}`);
    await screenshot(page, `totp-${name}`);
}

test("enrol with the QR page, sign in with a code, turn it off as a signing act", { timeout: TEST_MS }, async () => {
    const { context, page, errors } = await newPage();
    try {
        await page.goto(`${server.base}/login`);
        await page.fill("#f-name", NAME);
        await page.fill("#f-password", PASSWORD);
        await submit(page, "form.login button[type=submit]");
        let res = await page.goto(`${server.base}/account`);
        assert.match(await page.textContent("#second-factor"), /Off/);
        res = await page.goto(`${server.base}/account/totp`);
        assert.equal(res.status(), 200);
        await check(page, res, "off");

        // Enrolment: the QR code, the key and the link; the browser parses the SVG.
        res = await submit(page, "#begin button[type=submit]");
        assert.equal(new URL(page.url()).pathname, "/account/totp");
        const secret = (await page.textContent("#totp-secret")).trim();
        assert.match(secret, /^[A-Z2-7]{32}$/);
        const uri = (await page.textContent("#totp-uri")).trim();
        assert.equal(uri, `otpauth://totp/isms:${NAME}?secret=${secret}&issuer=isms&algorithm=SHA1&digits=6&period=30`);
        const svg = await page.evaluate(() => {
            const el = document.querySelector("svg.qr");
            const doc = new DOMParser().parseFromString(el.outerHTML, "image/svg+xml");
            const box = el.viewBox.baseVal;
            return { error: doc.querySelector("parsererror") !== null, width: box.width,
                shown: el.getBoundingClientRect().width, paths: el.querySelectorAll("path").length };
        });
        assert.equal(svg.error, false, "the QR code's SVG is well-formed XML");
        assert.ok(svg.width >= 21 + 8 && (svg.width - 8 - 17) % 4 === 0, `a QR version with its quiet zone: ${svg.width}`);
        assert.ok(svg.shown >= svg.width * 3, "at least three pixels a module");
        assert.equal(svg.paths, 1);
        await check(page, await page.goto(`${server.base}/account/totp`), "enrol");

        // A wrong code first, then the right one: ten recovery codes, shown once.
        await page.fill("#f-code", "000000x");
        res = await submit(page, "#enrol button[type=submit]");
        assert.equal(res.status(), 422);
        assert.match(await page.textContent(".error-summary"), /is not the code the app shows now/);
        await page.fill("#f-code", totp(secret));
        res = await submit(page, "#enrol button[type=submit]");
        assert.equal(res.status(), 200);
        const codes = await page.$$eval("ol.recovery-codes li code", (els) => els.map((e) => e.textContent));
        assert.equal(codes.length, 10);
        for (const c of codes) assert.match(c, /^[A-Z2-7]{4}(-[A-Z2-7]{4}){3}$/);
        await check(page, res, "recovery-codes");
        await page.goto(`${server.base}/account/totp`);
        assert.equal(await page.locator("ol.recovery-codes").count(), 0, "not shown again");
        assert.match(await page.textContent("#recovery"), /10 of 10 unused/);

        // Signed out and in again: the code after the password.
        await submit(page, ".user-menu form.logout button");
        await page.goto(`${server.base}/login?next=%2Faccount%2Ftotp`);
        await page.fill("#f-name", NAME);
        await page.fill("#f-password", PASSWORD);
        res = await submit(page, "form.login button[type=submit]");
        assert.equal(new URL(page.url()).pathname, "/login/code");
        assert.equal((await context.cookies()).find((c) => c.name === "isms_session"), undefined);
        const pending = (await context.cookies()).find((c) => c.name === "isms_login");
        assert.ok(pending?.httpOnly, "the pending login's cookie is HttpOnly");
        await check(page, res, "login-code");
        await page.fill("#f-code", totp(secret, 1)); // the next step: the last one was used
        res = await submit(page, "form.login button[type=submit]");
        assert.equal(new URL(page.url()).pathname, "/account/totp");
        assert.ok((await context.cookies()).find((c) => c.name === "isms_session"));

        // Turning it off is a signing act: a wrong password, then password and a recovery code.
        await page.fill("#f-disable-sign_password", "not my password");
        await page.fill("#f-disable-sign_code", codes[0]);
        res = await submit(page, "#disable button[type=submit]");
        assert.equal(res.status(), 422);
        assert.match(await page.textContent(".error-summary"), /is not your password/);
        await check(page, res, "signing");
        await page.fill("#f-sign_password", PASSWORD);
        await page.fill("#f-sign_code", codes[0]);
        await submit(page, "form button.danger");
        assert.equal(`${new URL(page.url()).pathname}${new URL(page.url()).search}`, "/account/totp?done=disabled");
        assert.match(await page.textContent(".notice-ok"), /The second factor is off\./);
        assert.deepEqual(errors, []);
        assert.deepEqual(problems, [], `HTML and accessibility problems:\n${problems.join("\n")}`);
    } finally {
        await context.close();
    }
});
