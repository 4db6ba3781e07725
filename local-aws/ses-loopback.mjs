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
// GetAccount answers from this (the emulator has no account of its own): a send rate of 200/s, which the
// worker shares among its live workers. SES_LOCAL_MAX_SEND_RATE changes it (the send-rate benchmark).
process.env.AWS_SES_ACCOUNT ??= JSON.stringify({
  DedicatedIpAutoWarmupEnabled: false,
  Details: { AdditionalContactEmailAddresses: [], ContactLanguage: "EN", MailType: "TRANSACTIONAL",
    ReviewDetails: { CaseId: "local", Status: "GRANTED" }, UseCaseDescription: "local", WebsiteURL: "http://localhost" },
  EnforcementStatus: "HEALTHY",
  ProductionAccessEnabled: true,
  SendingEnabled: true,
  SendQuota: { Max24HourSend: 1000000, MaxSendRate: Number(process.env.SES_LOCAL_MAX_SEND_RATE ?? 200),
    SentLast24Hours: 0 },
  SuppressionAttributes: { SuppressedReasons: [] },
});
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
