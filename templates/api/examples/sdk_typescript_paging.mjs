import { PatchbayClient } from "patchbay-client";

const patchbay = new PatchbayClient({
  apiKey: process.env.PATCHBAY_API_KEY,
  baseUrl: `${process.env.PATCHBAY_URL ?? "https://patchbay.example"}/api/v1`,
});

// paginate() asks for 100 at a time and fetches the next page only when the loop needs it.
let read = 0;
for await (const customer of patchbay.paginate("customers_list")) read += 1;
console.log(`read ${read} customers`);

// Only what changed: remember the last updated_at handled and start from it next time.
let since = new Date(Date.now() - 24 * 3600 * 1000).toISOString();
let changed = 0;
for await (const customer of patchbay.changedSince("customers_list", since)) {
  changed += 1;
  since = customer.updated_at; // oldest change first, so this only moves forward
}
console.log(`${changed} changed in the last day; next time ask from ${since}`);
