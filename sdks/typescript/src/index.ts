export { PatchbayClient } from "./client.js";
export type { ClientOptions } from "./client.js";
export {
  ApiError,
  ConflictError,
  KeyExpiredError,
  KeyRevokedError,
  NotFoundError,
  PatchbayError,
  RateLimitedError,
  ScopeRefusedError,
  UnauthorizedError,
  ValidationError,
} from "./errors.js";
export type { Problem } from "./errors.js";
export { OPERATIONS } from "./operations.js";
export { parseRateLimit, parseRetryAfter } from "./ratelimit.js";
export type {
  Body,
  CallOptions,
  IncrementalOperationId,
  Item,
  OperationId,
  PagedOperationId,
  PathParams,
  QueryParams,
  Result,
} from "./types.js";
export { Webhook, WebhookVerificationError } from "./webhook.js";
export type { WebhookHeaders, WebhookOptions } from "./webhook.js";
export type { components, operations, paths } from "./schema.js";
