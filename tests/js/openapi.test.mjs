// The OpenAPI document served at GET /api/v1/openapi.json: valid OpenAPI 3.1,
// complete for every kind the binary knows, and true to the real server (every
// documented path answers, with a documented status; records match <Kind>;
// the security it declares is the one the server enforces: 401 without a token,
// 403 for a role without the permission).
//
// Run: ISMS_BIN=build/isms node --test tests/js/   (npm ci --prefix tests/js first)
import assert from "node:assert/strict";
import { after, before, test } from "node:test";

import { Validator } from "@seriousme/openapi-schema-validator";
import Ajv2020 from "ajv/dist/2020.js";
import addFormats from "ajv-formats";

import { addUser, isms, startServer } from "./support/server.mjs";

let server; // support/server.mjs: a temporary ISMS served on a free port
let base; // "http://127.0.0.1:PORT"
let doc;
let kinds;
const created = new Map(); // kind name -> record created through the API

before(async () => {
    server = await startServer({ name: "openapi" });
    base = server.base;
    kinds = JSON.parse(isms(["kinds", "--json"])).kinds;
    const res = await fetch(`${base}/api/v1/openapi.json`, { headers: server.authHeaders });
    assert.equal(res.status, 200);
    assert.match(res.headers.get("content-type"), /^application\/json/);
    doc = await res.json();
});

after(async () => {
    // Stops with SIGTERM, fails unless the server exits cleanly, removes the temporary directory.
    if (server) await server.stop();
});

/* --- helpers ------------------------------------------------------------------- */

function camel(dashed) {
    return dashed.replace(/(^|-)([a-z])/g, (_, _dash, c) => c.toUpperCase());
}

function resolveRef(ref) {
    assert.match(ref, /^#\/components\//, `unexpected $ref ${ref}`);
    let node = doc;
    for (const part of ref.slice(2).split("/")) {
        node = node?.[part];
    }
    assert.ok(node, `$ref ${ref} names nothing`);
    return node;
}

function schemaTypes(schema) {
    if (schema.type === undefined) return null;
    return Array.isArray(schema.type) ? schema.type : [schema.type];
}

/*
 * The document's schemas under JSON Schema 2020-12 (Ajv, strict): its
 * "#/components/schemas/X" references become "#/$defs/X" of one root schema.
 */
const ROOT = "urn:isms:openapi-schemas";
let ajv;

function rewriteRefs(node) {
    if (Array.isArray(node)) return node.map(rewriteRefs);
    if (node === null || typeof node !== "object") return node;
    const out = {};
    for (const [k, v] of Object.entries(node)) {
        out[k] = k === "$ref" && typeof v === "string"
            ? v.replace(/^#\/components\/schemas\//, `${ROOT}#/$defs/`)
            : rewriteRefs(v);
    }
    return out;
}

function schemaChecker() {
    if (ajv) return ajv;
    ajv = new Ajv2020({ strict: true, allowUnionTypes: true, allErrors: true });
    addFormats(ajv);
    ajv.addFormat("int64", { type: "number", validate: Number.isInteger });
    ajv.addSchema({ $id: ROOT, $defs: rewriteRefs(doc.components.schemas) });
    return ajv;
}

/* The validate function of a schema of the document (a schema or a $ref to one). */
function compile(schema) {
    return schemaChecker().compile(rewriteRefs(schema));
}

function assertMatches(schema, value, what) {
    const validate = compile(schema);
    const ok = validate(value);
    assert.ok(ok, `${what} does not match its schema:\n` +
        `${JSON.stringify(validate.errors, null, 1)}\n${JSON.stringify(value, null, 1)}`);
}

function componentSchema(name) {
    assert.ok(doc.components.schemas[name], `schema ${name}`);
    return { $ref: `#/components/schemas/${name}` };
}

/* A value for a member, made from its schema: what a client would send. */
function sample(schema, name) {
    if (schema.$ref) return sample(resolveRef(schema.$ref), name);
    if (schema.default !== undefined) return schema.default;
    if (schema.enum) return schema.enum.find((v) => v !== null);
    const types = schemaTypes(schema) ?? ["string"];
    const t = types.find((x) => x !== "null");
    switch (t) {
        case "boolean":
            return false;
        case "integer":
        case "number":
            return schema.minimum ?? 1;
        case "array": {
            const one = sample(schema.items, name);
            return one === undefined ? [] : [one];
        }
        default:
            break;
    }
    if (schema.format === "date") return "2027-03-31";
    if (schema.format === "date-time") return "2027-03-31T12:00:00Z";
    if (schema.pattern) {
        // A reference: the id of a record of a kind with a prefix the pattern allows.
        for (const rec of created.values()) {
            if (new RegExp(schema.pattern).test(rec.id)) return rec.id;
        }
        return undefined;
    }
    const text = `Test ${name}`;
    return schema.maxLength ? text.slice(0, schema.maxLength) : text;
}

async function api(method, url, body) {
    const init = { method, headers: { ...server.authHeaders } };
    if (body !== undefined) {
        init.body = JSON.stringify(body);
        init.headers["content-type"] = "application/json";
    }
    const res = await fetch(`${base}${url}`, init);
    const text = await res.text();
    let json = null;
    if (text) {
        try {
            json = JSON.parse(text);
        } catch {
            json = text;
        }
    }
    return { status: res.status, json, headers: res.headers };
}

/* Kinds ordered so that the targets of required references come first. */
function creationOrder() {
    const byName = new Map(kinds.map((k) => [k.name, k]));
    const order = [];
    const seen = new Set();
    const visit = (k) => {
        if (seen.has(k.name)) return;
        seen.add(k.name);
        for (const f of k.fields)
            if (f.type === "ref" && f.required && f.target !== k.name) visit(byName.get(f.target));
        order.push(k);
    };
    kinds.forEach(visit);
    return order;
}

/* --- tests --------------------------------------------------------------------- */

test("the document is valid OpenAPI 3.1", async () => {
    assert.equal(doc.openapi, "3.1.0");
    assert.equal(doc.info.title, "isms");
    assert.equal(doc.info.license.identifier, "Apache-2.0");
    const validator = new Validator();
    const res = await validator.validate(structuredClone(doc));
    if (!res.valid) console.log(JSON.stringify(res.errors, null, 2));
    assert.equal(res.valid, true, "the validator found errors (printed above)");
    assert.equal(validator.version, "3.1");
    assert.doesNotThrow(() => validator.resolveRefs());
});

test("every schema in the document is valid JSON Schema 2020-12", () => {
    for (const name of Object.keys(doc.components.schemas))
        assert.doesNotThrow(() => compile(componentSchema(name)), `schema ${name}`);
    const params = [...Object.values(doc.components.parameters ?? {})];
    for (const item of Object.values(doc.paths)) {
        params.push(...(item.parameters ?? []));
        for (const op of Object.values(item))
            if (op && typeof op === "object" && op.parameters) params.push(...op.parameters);
    }
    for (const p of params.filter((p) => p.schema))
        assert.doesNotThrow(() => compile(p.schema), `schema of parameter ${p.name}`);
    for (const [name, h] of Object.entries(doc.components.headers ?? {}))
        assert.doesNotThrow(() => compile(h.schema), `schema of header ${name}`);
});

test("every kind has its paths, operations and schemas", () => {
    assert.ok(kinds.length > 0);
    const ids = [];
    for (const p of Object.values(doc.paths))
        for (const op of Object.values(p)) if (op.operationId) ids.push(op.operationId);
    assert.equal(new Set(ids).size, ids.length, "operationIds are unique");
    assert.ok(doc.components.schemas.Problem, "Problem");
    assert.ok(doc.paths["/healthz"]?.get && doc.paths["/api/v1/openapi.json"]?.get);

    for (const k of kinds) {
        const K = camel(k.name);
        const Ks = camel(k.plural);
        const coll = doc.paths[`/api/v1/${k.plural}`];
        const item = doc.paths[`/api/v1/${k.plural}/{id}`];
        const retire = doc.paths[`/api/v1/${k.plural}/{id}/retire`];
        assert.ok(coll && item && retire, `paths of ${k.plural}`);
        assert.equal(coll.get.operationId, `list${Ks}`);
        assert.equal(coll.post.operationId, `create${K}`);
        assert.equal(item.get.operationId, `get${K}`);
        assert.equal(item.patch.operationId, `update${K}`);
        assert.equal(retire.post.operationId, `retire${K}`);
        assert.equal(Boolean(item.delete), k.deletable, `DELETE of ${k.plural} only if deletable`);

        const schemas = doc.components.schemas;
        for (const name of [K, `${K}Create`, `${K}Patch`, `${K}Page`])
            assert.ok(schemas[name], `schema ${name}`);
        const shown = k.fields.filter((f) => !f.secret);
        const writable = shown.filter((f) => !f.derived);
        for (const f of shown) {
            assert.ok(schemas[K].properties[f.name], `${K}.${f.name}`);
            assert.ok(schemas[K].required.includes(f.name), `${K} requires ${f.name}`);
        }
        for (const m of ["id", "kind", "version", "created_at", "updated_at", "retired"]) {
            assert.ok(schemas[K].required.includes(m), `${K} requires ${m}`);
            assert.equal(schemas[K].properties[m].readOnly, true, `${K}.${m} is read-only`);
        }
        assert.deepEqual(Object.keys(schemas[`${K}Create`].properties).sort(),
            writable.map((f) => f.name).sort(), `${K}Create members`);
        assert.deepEqual(schemas[`${K}Create`].required.sort(),
            writable.filter((f) => f.required && f.default === undefined).map((f) => f.name).sort(),
            `${K}Create required`);
        assert.equal(schemas[`${K}Create`].additionalProperties, false);
        assert.equal(schemas[`${K}Patch`].required, undefined, `${K}Patch requires nothing`);
        assert.ok(schemas[`${K}Patch`].properties.version, `${K}Patch.version`);

        const params = new Map(coll.get.parameters.map((p) => [p.name, p]));
        for (const p of ["sort", "q", "limit", "cursor", "retired"]) assert.ok(params.has(p), p);
        assert.equal(params.get("limit").schema.minimum, 1);
        assert.equal(params.get("limit").schema.maximum, 200);
        const sorts = ["id", "-id"];
        for (const f of shown.filter((f) => f.sortable)) sorts.push(f.name, `-${f.name}`);
        assert.deepEqual([...params.get("sort").schema.enum].sort(), sorts.sort(), `sort of ${k.plural}`);
        for (const f of shown.filter((f) => f.filterable))
            assert.ok(params.has(f.name), `filter ${f.name} of ${k.plural}`);
    }
});

test("a record created through the API matches its schema, for every kind", async () => {
    for (const k of creationOrder()) {
        const K = camel(k.name);
        const createSchema = doc.components.schemas[`${K}Create`];
        const body = {};
        for (const name of createSchema.required) body[name] = sample(createSchema.properties[name], name);
        // A method is a JSON document with rules of its own: take the preset the server offers.
        if (k.name === "risk-method")
            body.definition = JSON.stringify((await api("GET", "/api/v1/risk-method/presets/5")).json.definition);
        if (k.signed) {
            // A signature is made by a signing act with a session (POST /api/v1/risks/{id}/accept);
            // the generic create refuses it, and says where to sign.
            for (const name of createSchema.required)
                if (body[name] === undefined) body[name] = sample(createSchema.properties[name], name);
            const refused = await api("POST", `/api/v1/${k.plural}`, body);
            assert.equal(refused.status, 403, `create ${k.name}: ${JSON.stringify(refused.json)}`);
            assert.match(refused.json.detail, /signed with the signer's own credentials/);
            continue;
        }
        let res;
        // Rules across fields (a reason for an exclusion, ...) name the fields they need.
        for (let attempt = 0; attempt < 4; attempt++) {
            assertMatches(componentSchema(`${K}Create`), body, `the body for ${k.plural}`);
            res = await api("POST", `/api/v1/${k.plural}`, body);
            if (res.status !== 400) break;
            for (const e of res.json.errors ?? []) {
                const prop = createSchema.properties[e.field];
                if (prop && body[e.field] === undefined) body[e.field] = sample(prop, e.field);
            }
        }
        assert.equal(res.status, 201, `create ${k.name}: ${JSON.stringify(res.json)}`);
        assert.equal(res.headers.get("etag"), `"${res.json.version}"`);
        assertMatches(componentSchema(K), res.json, `a new ${k.name}`);
        created.set(k.name, res.json);

        const one = await api("GET", `/api/v1/${k.plural}/${res.json.id}`);
        assert.equal(one.status, 200);
        assertMatches(componentSchema(K), one.json, `${k.name} ${res.json.id}`);
        assert.ok(Array.isArray(one.json.referred_to_by));

        const page = await api("GET", `/api/v1/${k.plural}?limit=1&sort=-id`);
        assert.equal(page.status, 200);
        assertMatches(componentSchema(`${K}Page`), page.json, `a page of ${k.plural}`);
    }
});

test("every documented path answers on the server, with a documented status", async () => {
    const byPlural = new Map(kinds.map((k) => [k.plural, k]));
    let asked = 0;
    for (const [template, item] of Object.entries(doc.paths)) {
        const plural = /^\/api\/v1\/([^/]+)\/\{id\}/.exec(template)?.[1];
        let url = template.replace("{size}", "5");
        let absent = false; // a signed kind has no record here: its paths answer 404
        if (plural) {
            const k = byPlural.get(plural);
            const rec = created.get(k.name);
            url = template.replace("{id}", rec ? rec.id : `${k.prefix}-1`);
            absent = !rec && k.signed;
        }
        for (const method of ["get", "post", "patch", "delete"]) {
            const op = item[method];
            if (!op) continue;
            // Harmless requests: an empty body fails validation (400) or names no version (428).
            const body = method === "get" || method === "delete" ? undefined : {};
            const res = await api(method.toUpperCase(), url, body);
            asked++;
            if (!absent)
                assert.notEqual(res.status, 404, `${method.toUpperCase()} ${url}: ${JSON.stringify(res.json)}`);
            assert.ok(String(res.status) in op.responses,
                `${method.toUpperCase()} ${url} answered ${res.status}, not documented ` +
                `(${Object.keys(op.responses).join(", ")}): ${JSON.stringify(res.json)}`);
            if (res.status >= 400) {
                assert.match(res.headers.get("content-type"), /^application\/problem\+json/);
                assertMatches(componentSchema("Problem"), res.json, `the problem of ${method} ${url}`);
            }
        }
    }
    assert.ok(asked >= 2 + kinds.length * 5);
    // Every list parameter the document names is accepted with a value of its schema.
    for (const k of kinds) {
        for (const p of doc.paths[`/api/v1/${k.plural}`].get.parameters) {
            const values = p.name === "sort" ? p.schema.enum
                : p.name === "cursor" ? [] // only a next_cursor the server gave is valid
                : [sample(p.schema, p.name)];
            for (const v of values) {
                const q = `${encodeURIComponent(p.name)}=${encodeURIComponent(String(v))}`;
                const res = await api("GET", `/api/v1/${k.plural}?${q}`);
                assert.equal(res.status, 200, `GET /api/v1/${k.plural}?${q}: ${JSON.stringify(res.json)}`);
            }
        }
    }
    // The health check answers as documented.
    const health = await api("GET", "/healthz");
    assertMatches(componentSchema("Health"), health.json, "/healthz");
});

/* --- security ------------------------------------------------------------------ */

const METHODS = ["get", "post", "patch", "delete"];

/* Every operation of the document: [METHOD, path template, operation]. */
function operations() {
    const ops = [];
    for (const [template, item] of Object.entries(doc.paths))
        for (const method of METHODS) if (item[method]) ops.push([method.toUpperCase(), template, item[method]]);
    return ops;
}

/* A path of the document with its placeholders filled with records that exist. */
function concrete(template) {
    const plural = /^\/api\/v1\/([^/]+)\/\{id\}/.exec(template)?.[1];
    let url = template.replace("{seq}", "1").replace("{size}", "5");
    if (plural) {
        const k = kinds.find((x) => x.plural === plural);
        const rec = created.get(k.name);
        url = url.replace("{id}", rec ? rec.id : `${k.prefix}-1`);
    }
    return url;
}

test("a bearer token is needed everywhere but the health check and this document", () => {
    const bearer = doc.components.securitySchemes?.bearer;
    assert.ok(bearer, "components.securitySchemes.bearer");
    assert.equal(bearer.type, "http");
    assert.equal(bearer.scheme, "bearer");
    assert.deepEqual(doc.security, [{ bearer: [] }], "the document's security is the bearer token");
    const unauthorized = doc.components.responses.Unauthorized;
    assert.ok(unauthorized?.headers?.["WWW-Authenticate"], "401 carries WWW-Authenticate");
    assert.ok(doc.components.responses.Forbidden, "a 403 response");
    const open = [];
    for (const [method, template, op] of operations()) {
        const what = `${method} ${template}`;
        if (op.security !== undefined) {
            assert.deepEqual(op.security, [], `${what}: an operation's own security can only open it`);
            assert.ok(!("401" in op.responses) && !("403" in op.responses), `${what} is open: no 401 or 403`);
            open.push(what);
            continue;
        }
        assert.deepEqual(op.responses["401"], { $ref: "#/components/responses/Unauthorized" }, `${what}: 401`);
        assert.deepEqual(op.responses["403"], { $ref: "#/components/responses/Forbidden" }, `${what}: 403`);
        // Reading needs any role, changing records the manager or contributor role,
        // redacting the change log the admin role (docs/SECURITY.md).
        // A signing act (x-isms-signing-act) is open to every reader: the kind decides who signs.
        const want = /\/redact$/.test(template) ? "admin"
            : method === "GET" || op["x-isms-signing-act"] ? "read" : "write";
        assert.equal(op["x-isms-permission"], want, `${what} needs ${want}`);
        assert.match(op.description, new RegExp(`\\(permission ${want}\\)\\.$`), `${what} says who may`);
    }
    assert.deepEqual(open.sort(), ["GET /api/v1/openapi.json", "GET /healthz"]);
});

test("anonymous callers and roles without the permission get the documented 401 and 403", async () => {
    addUser(server, "vic", "viewer", "viewer password 1");
    const viewer = isms(["--db", server.db, "--as", "vic", "token", "create", "--label", "openapi"]).trim();
    const ask = async (who, method, url) => {
        const headers = who ? { authorization: `Bearer ${who}` } : {};
        const init = { method, headers };
        if (method !== "GET" && method !== "DELETE") {
            init.body = "{}";
            headers["content-type"] = "application/json";
        }
        const res = await fetch(`${base}${url}`, init);
        const text = await res.text();
        // Exports answer CSV or XLSX, the heat map SVG; everything else JSON.
        const json = /json/.test(res.headers.get("content-type") ?? "");
        return { status: res.status, headers: res.headers, json: text && json ? JSON.parse(text) : null };
    };
    let refused = 0;
    for (const [method, template, op] of operations()) {
        const url = concrete(template);
        const what = `${method} ${url}`;
        const documented = (res, who) => {
            assert.ok(String(res.status) in op.responses,
                `${what} ${who} answered ${res.status}, not documented (${Object.keys(op.responses).join(", ")})`);
            if (res.status >= 400) {
                assert.match(res.headers.get("content-type"), /^application\/problem\+json/);
                assertMatches(componentSchema("Problem"), res.json, `the problem of ${what} ${who}`);
            }
        };
        const anonymous = await ask(null, method, url);
        documented(anonymous, "without a token");
        if (op.security) {
            assert.equal(anonymous.status, 200, `${what} is open`);
        } else {
            assert.equal(anonymous.status, 401, `${what} without a token`);
            assert.match(anonymous.headers.get("www-authenticate"), /^Bearer realm="isms"/);
            const bad = await ask("isms_notatokenatallnotatokenatallnotatokenatall00", method, url);
            assert.equal(bad.status, 401, `${what} with a token that is not valid`);
            assert.match(bad.headers.get("www-authenticate"), /error="invalid_token"/);
        }
        const asViewer = await ask(viewer, method, url);
        documented(asViewer, "as a viewer");
        if (op["x-isms-signing-act"]) {
            // No API token signs, whatever its roles: the refusal says why.
            assert.equal(asViewer.status, 403, `${what}: a token cannot sign`);
            assert.match(asViewer.json.detail, /signing act/, `${what}: the refusal says why`);
        } else if (op["x-isms-permission"] === "read" || op.security) {
            assert.ok(![401, 403].includes(asViewer.status), `${what}: a viewer reads (${asViewer.status})`);
        } else {
            assert.equal(asViewer.status, 403, `${what}: a viewer may not`);
            assert.match(asViewer.json.detail, /needs? /, `${what}: the refusal names who may`);
            refused++;
        }
    }
    // Create, change and retire of every kind, and redaction, at least.
    assert.ok(refused >= kinds.length * 3 + 1, `a viewer was refused ${refused} changes`);
});
