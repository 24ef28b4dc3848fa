import { PatchbayClient, RateLimitedError } from "patchbay-client";

// A 429 is sent again after the wait the server names, up to 3 times, none over 120 s.
const patchbay = new PatchbayClient({
  apiKey: process.env.PATCHBAY_API_KEY,
  baseUrl: `${process.env.PATCHBAY_URL ?? "https://patchbay.example"}/api/v1`,
  maxRateLimitRetries: 3,
  maxWaitSeconds: 120,
  onRateLimited: ({ operation, seconds }) =>
    console.log(`429 on ${operation}: waiting ${seconds} s as the server asks`),
});

try {
  for (let n = 0; n < Number(process.env.CALLS ?? 5); n++) {
    await patchbay.call("customers_list", { query: { page_size: 1 } });
  }
  console.log("every call answered");
} catch (error) {
  if (!(error instanceof RateLimitedError)) throw error;
  console.log(`still limited: try again in ${error.retryAfterSeconds} s`);
}
