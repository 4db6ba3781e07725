// aws-ses-v2-local (SES emulator) bound to 127.0.0.1 only.
// Usage: node ses-loopback.mjs <port> [--exit-with-stdin]
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const startSes = require("aws-ses-v2-local").default;

const port = Number.parseInt(process.argv[2] ?? "8005", 10);
if (!Number.isInteger(port) || port <= 0 || port > 65535) {
  console.error(`ses-loopback: bad port '${process.argv[2]}'`);
  process.exit(2);
}
const server = await startSes({ host: "127.0.0.1", port });
console.log(`aws-ses-v2-local listening on http://127.0.0.1:${port}`);

if (process.argv.includes("--exit-with-stdin")) {
  process.stdin.on("end", () => process.exit(0));
  process.stdin.on("close", () => process.exit(0));
  process.stdin.resume();
}
for (const signal of ["SIGTERM", "SIGINT"]) {
  process.on(signal, () => server.close(() => process.exit(0)));
}
