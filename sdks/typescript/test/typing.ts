// Compiled (never run) by `npm test`: the call types follow the schema. Each line marked
// as an expected error must fail to compile, or tsc reports the marker as unused.
import { PatchbayClient } from "../dist/index.js";

declare const pb: PatchbayClient;

export async function typedCalls(): Promise<unknown[]> {
  const created = await pb.call("customers_create", { body: { name: "Typed Ltd" } });
  const name: string = created.name;
  const id: number = created.id;
  const updated = await pb.call("customers_partial_update", {
    path: { id },
    body: { email: "a@typed.example" },
  });
  const page = await pb.call("customers_list", { query: { page_size: 10 } });
  const count: number = page.count;
  for await (const customer of pb.paginate("customers_list")) {
    const updatedAt: string = customer.updated_at;
    void updatedAt;
  }
  for await (const invoice of pb.changedSince("invoices_list", new Date())) void invoice.status;
  const events = await pb.call("event_types_list");

  // @ts-expect-error creating a customer needs a body
  await pb.call("customers_create");
  // @ts-expect-error a customer's name is a string
  await pb.call("customers_create", { body: { name: 3 } });
  // @ts-expect-error an id is a number or a string of digits, not a date
  await pb.call("customers_retrieve", { path: { id: new Date() } });
  // @ts-expect-error reading one customer needs its id
  await pb.call("customers_retrieve");
  // @ts-expect-error an operationId the schema does not have
  await pb.call("customers_destroy");
  // @ts-expect-error one customer is not a page of them
  pb.paginate("customers_retrieve");
  // @ts-expect-error webhook endpoints take no updated_since
  pb.changedSince("webhook_endpoints_list", new Date());
  return [name, updated, count, events];
}
