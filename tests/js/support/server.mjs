// A real isms server for one test file: a new ISMS in a temporary directory,
// `isms serve` on a free loopback port, stopped with SIGTERM at the end.
//
//   const server = await startServer({ name: "web", org: "Brightwater Logistics GmbH" });
//   await fetch(`${server.base}/healthz`);
//   await server.stop();   // throws unless the server exited cleanly (status 0)
//
// ISMS_BIN names the binary (default build/isms, from the current directory).
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

export const BIN = path.resolve(process.env.ISMS_BIN ?? "build/isms");

const START_TIMEOUT_MS = 10_000;
const STOP_TIMEOUT_MS = 15_000;
const LOG_KEEP = 20_000; // characters of stderr kept for error messages

/** Runs `isms ARGS...` and returns its stdout (throws with its stderr on failure). */
export function isms(args, options = {}) {
    try {
        return execFileSync(BIN, args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], ...options });
    } catch (err) {
        throw new Error(`${BIN} ${args.join(" ")} failed (${err.status ?? err.signal ?? err.code}):\n${err.stderr || err.message}`);
    }
}

/**
 * Creates a temporary ISMS (`isms init --db DB [--org ORG]`) and serves it.
 * Resolves to { base, db, dir, child, log(), stop() } once the server printed
 * its address ("isms: serving DB on http://127.0.0.1:PORT/ (Ctrl-C stops)").
 */
export async function startServer({ name = "test", org } = {}) {
    const dir = mkdtempSync(path.join(tmpdir(), `isms-${name}-`));
    const db = path.join(dir, "test.isms");
    try {
        isms(["init", "--db", db, ...(org === undefined ? [] : ["--org", org])]);
        const server = await serve(db);
        const stop = server.stop;
        server.dir = dir;
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

function serve(db) {
    return new Promise((resolve, reject) => {
        let stderr = "";
        let base;
        const child = spawn(BIN, ["serve", "--db", db, "--listen", "127.0.0.1:0"], {
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
