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
// The account GetAccount answers (the emulator reads it from AWS_SES_ACCOUNT): a production account with
// sending enabled, as the worker's start-up check expects of a usable SES.
process.env.AWS_SES_ACCOUNT ??= JSON.stringify({
  DedicatedIpAutoWarmupEnabled: false,
  Details: {
    AdditionalContactEmailAddresses: [], ContactLanguage: "EN", MailType: "TRANSACTIONAL",
    ReviewDetails: { CaseId: "local", Status: "GRANTED" }, UseCaseDescription: "order confirmations",
    WebsiteURL: "https://shop.example",
  },
  EnforcementStatus: "HEALTHY",
  ProductionAccessEnabled: true,
  SendingEnabled: true,
  SendQuota: { Max24HourSend: 1000000, MaxSendRate: 1000, SentLast24Hours: 0 },
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
