// fauxqs (SNS + SQS emulator) bound to 127.0.0.1 only: its own CLI always binds every interface.
// Usage: node fauxqs-loopback.mjs <port> [--exit-with-stdin]
import { buildApp } from "fauxqs";

const port = Number.parseInt(process.argv[2] ?? "4566", 10);
if (!Number.isInteger(port) || port <= 0 || port > 65535) {
  console.error(`fauxqs-loopback: bad port '${process.argv[2]}'`);
  process.exit(2);
}
const app = buildApp({ logger: false, host: "127.0.0.1" });
await app.listen({ port, host: "127.0.0.1" });
console.log(`fauxqs listening on http://127.0.0.1:${port}`);

if (process.argv.includes("--exit-with-stdin")) {
  // The JVM that started us holds our stdin open; when it goes, so do we.
  process.stdin.on("end", () => process.exit(0));
  process.stdin.on("close", () => process.exit(0));
  process.stdin.resume();
}
for (const signal of ["SIGTERM", "SIGINT"]) {
  process.on(signal, () => app.close().then(() => process.exit(0)));
}
