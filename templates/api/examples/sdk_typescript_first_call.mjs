// npm install ./patchbay-client-….tgz   (the link above)
import { PatchbayClient, ScopeRefusedError } from "patchbay-client";

const patchbay = new PatchbayClient({
  apiKey: process.env.PATCHBAY_API_KEY, // pbk_…, kept out of the source
  baseUrl: `${process.env.PATCHBAY_URL ?? "https://patchbay.example"}/api/v1`,
});

const page = await patchbay.call("customers_list", { query: { page_size: 10 } });
console.log(`${page.count} customers; the first: ${page.results[0].name}`);

try {
  const made = await patchbay.call("customers_create", { body: { name: "Harbour Lights" } });
  console.log(`created customer ${made.id}`);
} catch (error) {
  if (!(error instanceof ScopeRefusedError)) throw error;
  console.log(`this key may not create customers: it needs ${error.requiredScope}`);
}
