// A real isms server for one test file: a new ISMS in a temporary directory
// with an administrator (ADMIN, PASSWORD) and an API token of theirs,
// `isms serve` on a free loopback port, stopped with SIGTERM at the end.
//
//   const server = await startServer({ name: "web", org: "Brightwater Logistics GmbH" });
//   await fetch(`${server.base}/api/v1/context-issues`, { headers: server.authHeaders });
//   await signIn(context, server);   // a browser context with a session (POST /login)
//   await server.stop();   // throws unless the server exited cleanly (status 0)
//
// ISMS_BIN names the binary (default build/isms, from the current directory).
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

export const BIN = path.resolve(process.env.ISMS_BIN ?? "build/isms");

export const ADMIN = "admin";
export const PASSWORD = "admin password 1234";

const START_TIMEOUT_MS = 10_000;
const STOP_TIMEOUT_MS = 15_000;
const LOG_KEEP = 20_000; // characters of stderr kept for error messages

/** Runs `isms ARGS...` and returns its stdout (throws with its stderr on failure). */
export function isms(args, options = {}) {
    try {
        const stdin = options.input === undefined ? "ignore" : "pipe";
        return execFileSync(BIN, args, { encoding: "utf8", stdio: [stdin, "pipe", "pipe"], ...options });
    } catch (err) {
        throw new Error(`${BIN} ${args.join(" ")} failed (${err.status ?? err.signal ?? err.code}):\n${err.stderr || err.message}`);
    }
}

/** Adds a user (`isms user add NAME --role ROLES`) with a password. */
export function addUser(server, name, roles, password) {
    isms(["--db", server.db, "user", "add", name, "--role", roles, "--password-stdin", "--hash-cost", "test"],
        { input: `${password}\n` });
}

/** Signs a browser context in as a real browser does (POST /login); the session cookie stays in it. */
export async function signIn(context, server, name = ADMIN, password = PASSWORD) {
    const res = await context.request.post(`${server.base}/login`, {
        form: { name, password }, headers: { origin: server.base }, maxRedirects: 0,
    });
    if (res.status() !== 303) throw new Error(`POST /login as ${name} answered ${res.status()}: ${await res.text()}`);
}

/**
 * Creates a temporary ISMS (`isms init --db DB [--org ORG] --admin admin`) and
 * serves it (`serve` adds options). Resolves to { base, db, dir, child, log(),
 * stop(), admin, password, token, authHeaders } once the server printed its
 * address ("isms: serving DB on http://127.0.0.1:PORT/ (Ctrl-C stops)").
 */
export async function startServer({ name = "test", org, serve: options = [] } = {}) {
    const dir = mkdtempSync(path.join(tmpdir(), `isms-${name}-`));
    const db = path.join(dir, "test.isms");
    try {
        isms(["init", "--db", db, ...(org === undefined ? [] : ["--org", org]), "--admin", ADMIN,
            "--password-stdin", "--hash-cost", "test"], { input: `${PASSWORD}\n` });
        const token = isms(["--db", db, "token", "create", "--label", "node tests"]).trim();
        const server = await serve(db, options);
        const stop = server.stop;
        server.dir = dir;
        server.admin = ADMIN;
        server.password = PASSWORD;
        server.token = token;
        server.authHeaders = { authorization: `Bearer ${token}` };
        server.stop = async () => {
            try {
                await stop();
            } finally {
                rmSync(dir, { recursive: true, force: true });
            }
        };
        return server;
    } catch (err) {
        rmSync(dir, { recursive: true, force: true });
        throw err;
    }
}

function serve(db, options) {
    return new Promise((resolve, reject) => {
        let stderr = "";
        let base;
        const child = spawn(BIN, ["serve", "--db", db, "--listen", "127.0.0.1:0", "--hash-cost", "test", ...options], {
            stdio: ["ignore", "pipe", "pipe"],
        });
        const exited = new Promise((done) =>
            child.on("exit", (code, signal) => done({ code, signal })),
        );
        const log = () => stderr;
        const timer = setTimeout(() => {
            child.kill("SIGKILL");
            reject(new Error(`isms serve printed no address within ${START_TIMEOUT_MS} ms:\n${stderr}`));
        }, START_TIMEOUT_MS);

        let out = "";
        child.stdout.setEncoding("utf8");
        child.stdout.on("data", (chunk) => {
            if (base) return;
            out += chunk;
            const nl = out.indexOf("\n");
            if (nl < 0) return;
            clearTimeout(timer);
            const line = out.slice(0, nl);
            const m = /^isms: serving .* on (http:\/\/127\.0\.0\.1:\d+)\/ /.exec(line);
            if (!m) {
                child.kill("SIGKILL");
                reject(new Error(`unexpected first line of isms serve: ${JSON.stringify(line)}`));
                return;
            }
            base = m[1];
            resolve({ base, db, child, log, stop });
        });
        child.stderr.setEncoding("utf8");
        child.stderr.on("data", (chunk) => {
            stderr = (stderr + chunk).slice(-LOG_KEEP);
        });
        child.on("error", (err) => {
            clearTimeout(timer);
            reject(err);
        });
        child.on("exit", (code, signal) => {
            clearTimeout(timer);
            if (!base) reject(new Error(`isms serve exited (${code ?? signal}) before serving:\n${stderr}`));
        });

        /** SIGTERM, then wait for the exit; throws unless it was a clean exit (0). */
        async function stop() {
            if (child.exitCode !== null || child.signalCode !== null) {
                const { code, signal } = await exited;
                throw new Error(`isms serve had stopped already (${code ?? signal}):\n${stderr.slice(-4000)}`);
            }
            child.kill("SIGTERM");
            let timer;
            const timeout = new Promise((done) => {
                timer = setTimeout(() => done({ code: null, signal: "timeout" }), STOP_TIMEOUT_MS);
            });
            const { code, signal } = await Promise.race([exited, timeout]);
            clearTimeout(timer);
            if (signal === "timeout") {
                child.kill("SIGKILL");
                await exited;
                throw new Error(`isms serve did not stop within ${STOP_TIMEOUT_MS} ms of SIGTERM:\n${stderr.slice(-4000)}`);
            }
            if (code !== 0)
                throw new Error(`isms serve stopped with ${code ?? signal}:\n${stderr.slice(-4000)}`);
        }
    });
}
