// Debian's Chromium (package `chromium`, scripts/install-deps.sh), driven by
// playwright-core: no browser download, one headless browser per test file.
//
//   const browser = await launchBrowser();
//   const page = await (await browser.newContext()).newPage();
//   await screenshot(page, "overview-desktop");   // $ISMS_TEST_OUTPUT/screenshots/overview-desktop.png
//   await browser.close();
import { existsSync, mkdirSync } from "node:fs";
import path from "node:path";

import { chromium } from "playwright-core";

export const CHROMIUM = process.env.ISMS_CHROMIUM ?? "/usr/bin/chromium";

export const OUTPUT_DIR = path.resolve(process.env.ISMS_TEST_OUTPUT ?? "build/test-output");
export const SCREENSHOT_DIR = path.join(OUTPUT_DIR, "screenshots");

export async function launchBrowser() {
    if (!existsSync(CHROMIUM))
        throw new Error(`no Chromium at ${CHROMIUM}: run scripts/install-deps.sh (Debian package chromium)`);
    return chromium.launch({
        executablePath: CHROMIUM,
        headless: true,
        args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking"],
    });
}

/** A full-page PNG of the page as NAME.png in the screenshot directory; returns its path. */
export async function screenshot(page, name) {
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    const file = path.join(SCREENSHOT_DIR, `${name}.png`);
    await page.screenshot({ path: file, fullPage: true });
    return file;
}
