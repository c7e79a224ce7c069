// Drives the real yaml-language-server over LSP stdio and checks that the schema modeline in
// a shipped example makes it flag a misspelt key on the right line, and nothing in the
// example as shipped. The documents are sent in memory; nothing is written to disk.
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, "../..");
const examplePath = join(root, "examples", "smoke-by-tag.yaml");
const original = readFileSync(examplePath, "utf8");
const goodKey = "    timeout: 10m";
const badKey = "    timeuot: 10m";
if (!original.includes(goodKey)) {
  fail(`expected \`${goodKey.trim()}\` in ${examplePath}`);
}
const misspelt = original.replace(goodKey, badKey);
const badLine = misspelt.split("\n").findIndex((line) => line === badKey);

// Both documents live next to the real example so the modeline's relative path resolves to
// the committed schema.
const cleanUri = pathToFileURL(join(root, "examples", "lsp-check-clean.yaml")).href;
const badUri = pathToFileURL(join(root, "examples", "lsp-check-misspelt.yaml")).href;

const server = spawn(join(here, "node_modules", ".bin", "yaml-language-server"), ["--stdio"], {
  stdio: ["pipe", "pipe", "inherit"],
});
const timer = setTimeout(() => fail("no diagnostics within 30 s"), 30_000);

let nextId = 1;
function send(message) {
  const body = JSON.stringify({ jsonrpc: "2.0", ...message });
  server.stdin.write(`Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
}
function request(method, params) {
  send({ id: nextId++, method, params });
}
function notify(method, params) {
  send({ method, params });
}

const settings = {
  yaml: { validate: true, hover: false, completion: false, schemaStore: { enable: false } },
};
const diagnostics = new Map();

let buffer = Buffer.alloc(0);
server.stdout.on("data", (chunk) => {
  buffer = Buffer.concat([buffer, chunk]);
  for (;;) {
    const headerEnd = buffer.indexOf("\r\n\r\n");
    if (headerEnd < 0) return;
    const header = buffer.subarray(0, headerEnd).toString();
    const length = Number(/Content-Length: (\d+)/i.exec(header)?.[1]);
    if (buffer.length < headerEnd + 4 + length) return;
    const body = buffer.subarray(headerEnd + 4, headerEnd + 4 + length).toString();
    buffer = buffer.subarray(headerEnd + 4 + length);
    handle(JSON.parse(body));
  }
});

function handle(message) {
  if (message.method === "workspace/configuration") {
    send({ id: message.id, result: message.params.items.map(() => settings.yaml) });
  } else if (message.method && message.id !== undefined) {
    send({ id: message.id, result: null });
  } else if (message.id === 1) {
    notify("initialized", {});
    notify("workspace/didChangeConfiguration", { settings });
    for (const [uri, text] of [
      [cleanUri, original],
      [badUri, misspelt],
    ]) {
      notify("textDocument/didOpen", {
        textDocument: { uri, languageId: "yaml", version: 1, text },
      });
    }
  } else if (message.method === "textDocument/publishDiagnostics") {
    diagnostics.set(message.params.uri, message.params.diagnostics);
    check();
  }
}

function check() {
  const bad = diagnostics.get(badUri) ?? [];
  const flagged = bad.find((d) => d.range.start.line === badLine);
  if (!flagged || !diagnostics.has(cleanUri)) return;
  const clean = diagnostics.get(cleanUri);
  if (clean.length > 0) {
    fail(`the shipped example has diagnostics: ${JSON.stringify(clean)}`);
  }
  console.log(
    `ok: yaml-language-server flags line ${badLine + 1} of the misspelt copy: ${flagged.message.replace(/\s+/g, " ")}`,
  );
  clearTimeout(timer);
  server.kill();
  process.exit(0);
}

function fail(reason) {
  console.error(`error: ${reason}`);
  server?.kill();
  process.exit(1);
}

request("initialize", {
  processId: process.pid,
  rootUri: pathToFileURL(root).href,
  capabilities: {
    workspace: { configuration: true },
    textDocument: { publishDiagnostics: {} },
  },
  workspaceFolders: [{ uri: pathToFileURL(root).href, name: "hamming-runner" }],
});
