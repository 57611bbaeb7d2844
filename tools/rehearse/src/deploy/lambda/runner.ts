// A stand-in for Lambda's Node.js runtime, one invocation per process: loads the bundled handler as Lambda does
// (Handler file.export), calls it with the event of the event file and a context whose remaining time is the function's
// timeout, and writes { ok, result } or { ok: false, error } to the result file. Its environment is the function's.
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";

const [file, exportName, eventFile, resultFile, timeoutMs] = process.argv.slice(2);
if (!file || !exportName || !eventFile || !resultFile || !timeoutMs) {
  process.stderr.write("usage: runner <handler file> <export> <event file> <result file> <timeout ms>\n");
  process.exit(2);
}
const deadline = Date.now() + Number(timeoutMs);
const event = JSON.parse(readFileSync(eventFile, "utf8"));
const loaded = file.endsWith(".mjs") ? await import(pathToFileURL(file).href) : createRequire(file)(file);
const handler = loaded[exportName];
let outcome: { ok: true; result: unknown } | { ok: false; error: string };
try {
  if (typeof handler !== "function") throw new Error(`${file} exports no function ${exportName}`);
  outcome = { ok: true, result: await handler(event, { getRemainingTimeInMillis: () => deadline - Date.now() }) };
} catch (error) {
  outcome = { ok: false, error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) };
}
writeFileSync(resultFile, JSON.stringify(outcome));
// Like Lambda, the invocation ends when the handler settles: open sockets (the SDK's keep-alive) must not hold it.
process.exit(0);
