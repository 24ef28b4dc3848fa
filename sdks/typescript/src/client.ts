/**
 * The client: one typed `call` per schema operation (by operationId), paging over every
 * page, `updated_since` for incremental reads, and waiting out 429s. Uses the platform's
 * `fetch`, so it runs unchanged in Node 20+ and browsers.
 */
import { errorFor, RateLimitedError, readProblem } from "./errors.js";
import { OPERATIONS } from "./operations.js";
import { waitSeconds } from "./ratelimit.js";
import type {
  CallArgs,
  CallOptions,
  IncrementalOperationId,
  Item,
  OperationId,
  PagedOperationId,
  QueryParams,
  Result,
} from "./types.js";

export interface ClientOptions {
  /** An API key (`pbk_…`) from Integrations > API access. */
  apiKey: string;
  /** The API's base, ending in /api/v1, e.g. `https://app.patchbay.example/api/v1`. */
  baseUrl: string;
  /** How many 429s in a row one call waits out before throwing RateLimitedError (default 3; 0: never wait). */
  maxRateLimitRetries?: number;
  /** The longest single wait accepted, in seconds; a longer Retry-After throws at once (default 120). */
  maxWaitSeconds?: number;
  /** Records per page when paging (the API allows at most 100). */
  pageSize?: number;
  /** Called before each wait on a 429, e.g. to log it. */
  onRateLimited?: (info: { operation: OperationId; seconds: number; attempt: number }) => void;
  /** Replacements for tests or other runtimes. */
  fetch?: typeof fetch;
  sleep?: (seconds: number) => Promise<void>;
}

const MAX_PAGE_SIZE = 100;

const defaultSleep = (seconds: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, seconds * 1000));

export class PatchbayClient {
  private readonly apiKey: string;
  private readonly baseUrl: string;
  private readonly maxRetries: number;
  private readonly maxWait: number;
  private readonly pageSize: number;
  private readonly onRateLimited: ClientOptions["onRateLimited"];
  private readonly fetchImpl: typeof fetch;
  private readonly sleep: (seconds: number) => Promise<void>;

  constructor(options: ClientOptions) {
    if (!options.apiKey) throw new TypeError("apiKey is required (a pbk_… key).");
    if (!options.baseUrl) throw new TypeError("baseUrl is required (…/api/v1).");
    this.apiKey = options.apiKey;
    this.baseUrl = options.baseUrl.replace(/\/+$/, "");
    this.maxRetries = options.maxRateLimitRetries ?? 3;
    this.maxWait = options.maxWaitSeconds ?? 120;
    this.pageSize = Math.min(options.pageSize ?? MAX_PAGE_SIZE, MAX_PAGE_SIZE);
    this.onRateLimited = options.onRateLimited;
    // Bound to globalThis: browsers refuse `fetch` called as a method of another object.
    this.fetchImpl = options.fetch ?? globalThis.fetch.bind(globalThis);
    this.sleep = options.sleep ?? defaultSleep;
  }

  /** Calls one operation by its operationId and resolves to its typed result. */
  async call<K extends OperationId>(operation: K, ...args: CallArgs<K>): Promise<Result<K>> {
    const options = (args[0] ?? {}) as CallOptions<K>;
    const spec = OPERATIONS[operation];
    const url = this.url(spec.path, options.path, options.query);
    const init: RequestInit = {
      method: spec.method,
      headers: this.headers(options.body !== undefined),
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: options.signal,
    };
    const response = await this.send(operation, url, init);
    if (response.status === 204) return undefined as Result<K>;
    return (await response.json()) as Result<K>;
  }

  /** Every record of a paged operation, page after page, as one async iterator. */
  async *paginate<K extends PagedOperationId>(
    operation: K,
    options: CallOptions<K> = {} as CallOptions<K>,
  ): AsyncGenerator<Item<K>, void, undefined> {
    const query = { page_size: this.pageSize, ...(options.query ?? {}) } as Record<string, unknown>;
    for (let page = 1; ; page++) {
      const args = [{ ...options, query: { ...query, page } }] as unknown as CallArgs<K>;
      const answer = (await this.call(operation, ...args)) as {
        results: Item<K>[];
        next?: string | null;
      };
      yield* answer.results;
      if (!answer.next) return;
    }
  }

  /**
   * Records changed at or after `since`, oldest change first (the API's order), over every
   * page. Keep the last `updated_at` you handled and pass it next time to read only changes.
   */
  changedSince<K extends IncrementalOperationId>(
    operation: K,
    since: Date | string,
    options: CallOptions<K> = {} as CallOptions<K>,
  ): AsyncGenerator<Item<K>, void, undefined> {
    const updated_since = since instanceof Date ? since.toISOString() : since;
    const query = { ...(options.query ?? {}), updated_since } as QueryParams<K>;
    return this.paginate(operation, { ...options, query } as CallOptions<K>);
  }

  private url(path: string, params?: object, query?: object): string {
    const values = (params ?? {}) as Record<string, unknown>;
    const filled = path.replace(/\{(\w+)\}/g, (_, name: string) => {
      const value = values[name];
      if (value === undefined || value === null) throw new TypeError(`Path parameter ${name} is required.`);
      return encodeURIComponent(String(value));
    });
    const search = new URLSearchParams();
    for (const [name, value] of Object.entries(query ?? {})) {
      if (value === undefined || value === null) continue;
      search.set(name, value instanceof Date ? value.toISOString() : String(value));
    }
    const text = search.toString();
    return `${this.baseUrl}${filled}${text ? `?${text}` : ""}`;
  }

  private headers(withBody: boolean): Record<string, string> {
    const headers: Record<string, string> = {
      Authorization: `Bearer ${this.apiKey}`,
      Accept: "application/json, application/problem+json",
    };
    if (withBody) headers["Content-Type"] = "application/json";
    return headers;
  }

  /**
   * Sends the request, waiting out 429s. Retrying a POST after a 429 is safe: Patchbay
   * spends the key's quota before anything else, so a refused call changed nothing.
   */
  private async send(operation: OperationId, url: string, init: RequestInit): Promise<Response> {
    for (let attempt = 1; ; attempt++) {
      const response = await this.fetchImpl(url, init);
      if (response.ok) return response;
      const problem = await readProblem(response);
      if (response.status !== 429) throw errorFor(problem, response);
      const seconds = waitSeconds(response.headers, problem);
      if (attempt > this.maxRetries || seconds > this.maxWait) {
        throw new RateLimitedError(problem, response, seconds);
      }
      this.onRateLimited?.({ operation, seconds, attempt });
      await this.sleep(seconds);
    }
  }
}
