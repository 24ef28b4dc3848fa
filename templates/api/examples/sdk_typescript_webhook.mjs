import { Webhook, WebhookVerificationError } from "patchbay-client";

const webhook = new Webhook(process.env.PATCHBAY_WEBHOOK_SECRET); // whsec_…, from the endpoint's page

/** Give it the request's headers and its body exactly as received (text, not parsed JSON). */
export async function receive(headers, rawBody) {
  let event;
  try {
    event = await webhook.verify(rawBody, headers);
  } catch (error) {
    if (!(error instanceof WebhookVerificationError)) throw error;
    return [400, `refused: ${error.message}`];
  }
  // webhook-id stays the same on every retry: skip ids you have handled already.
  console.log(`${event.type}: ${JSON.stringify(event.data)}`);
  return [204, ""];
}
