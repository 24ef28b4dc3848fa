/**
 * Patchbay answers every API error as RFC 9457 problem details
 * (`application/problem+json`). Each status the API documents has its own class, so
 * callers can `catch (e) { if (e instanceof ScopeRefusedError) … }`.
 */
import type { components } from "./schema.js";

export type Problem = components["schemas"]["Problem"];

/** Any failure this library raises itself (not a network error from fetch). */
export class PatchbayError extends Error {
  override name = "PatchbayError";
}

/** The API answered with an error status; `problem` is its body. */
export class ApiError extends PatchbayError {
  override name = "ApiError";
  readonly status: number;
  readonly problem: Problem;
  readonly response: Response;

  constructor(problem: Problem, response: Response) {
    super(`${problem.status} ${problem.title}: ${problem.detail}`);
    this.status = problem.status;
    this.problem = problem;
    this.response = response;
  }

  /** The problem's type URI; its fragment names the problem on the docs page. */
  get type(): string {
    return this.problem.type;
  }

  get detail(): string {
    return this.problem.detail;
  }
}

/** 400: the request's fields or JSON were not accepted. */
export class ValidationError extends ApiError {
  override name = "ValidationError";
  /** Each refused field's messages, e.g. `{ "email": ["Enter a valid email address."] }`. */
  get errors(): Record<string, string[]> {
    return this.problem.errors ?? {};
  }
}

/** 401: no key, an unknown key, or one revoked or expired. */
export class UnauthorizedError extends ApiError {
  override name = "UnauthorizedError";
}

/** 401 for a key past its expiry date: make a new key in Integrations > API access. */
export class KeyExpiredError extends UnauthorizedError {
  override name = "KeyExpiredError";
}

/** 401 for a key someone revoked. */
export class KeyRevokedError extends UnauthorizedError {
  override name = "KeyRevokedError";
}

/** 403: the key lacks the scope this operation needs (`requiredScope`). */
export class ScopeRefusedError extends ApiError {
  override name = "ScopeRefusedError";
  get requiredScope(): string | undefined {
    return this.problem.required_scope;
  }
}

/** 404: no such record in the key's organisation (or no such endpoint). */
export class NotFoundError extends ApiError {
  override name = "NotFoundError";
}

/** 409: the record's state does not allow this (e.g. approving an approved quote). */
export class ConflictError extends ApiError {
  override name = "ConflictError";
}

/** 429 that the client did not wait out (waiting disabled, retries spent or too long). */
export class RateLimitedError extends ApiError {
  override name = "RateLimitedError";
  /** Seconds the API asked the caller to wait. */
  readonly retryAfterSeconds: number;

  constructor(problem: Problem, response: Response, retryAfterSeconds: number) {
    super(problem, response);
    this.retryAfterSeconds = retryAfterSeconds;
  }

  get violatedPolicies(): string[] {
    return this.problem["violated-policies"] ?? [];
  }
}

// The fragment of the problem type names its code (api/problems.py: DOCS + code).
const PROBLEM_CODE = /#problem-([a-z0-9-]+)$/;

function problemCode(problem: Problem): string {
  return PROBLEM_CODE.exec(problem.type ?? "")?.[1] ?? "";
}

/** The typed error for an error answer (429s are built by the client, which knows the wait). */
export function errorFor(problem: Problem, response: Response): ApiError {
  switch (problem.status) {
    case 400:
      return new ValidationError(problem, response);
    case 401: {
      const code = problemCode(problem);
      if (code === "expired-api-key") return new KeyExpiredError(problem, response);
      if (code === "revoked-api-key") return new KeyRevokedError(problem, response);
      return new UnauthorizedError(problem, response);
    }
    case 403:
      return new ScopeRefusedError(problem, response);
    case 404:
      return new NotFoundError(problem, response);
    case 409:
      return new ConflictError(problem, response);
    default:
      return new ApiError(problem, response);
  }
}

/** The answer's problem body, or one made up when the body is not problem JSON (a proxy's page). */
export async function readProblem(response: Response): Promise<Problem> {
  const text = await response.text();
  try {
    const body: unknown = JSON.parse(text);
    if (body && typeof body === "object" && "status" in body && "detail" in body) {
      return body as Problem;
    }
  } catch {
    // fall through: not JSON
  }
  return {
    type: "about:blank",
    title: response.statusText || "Error",
    status: response.status,
    detail: text.slice(0, 500) || `HTTP ${response.status}`,
  };
}
