/**
 * Types of each operation's inputs and output, read from the generated schema types, so a
 * call's arguments and result follow the schema: `call("customers_create", { body })`
 * accepts only a CustomerRequest and resolves to a Customer.
 */
import type { operations } from "./schema.js";
import type { OPERATIONS } from "./operations.js";

export type OperationId = keyof typeof OPERATIONS & keyof operations;

type Parameters_<K extends OperationId> = operations[K]["parameters"];
type Defined<T> = [T] extends [never] ? never : [T] extends [undefined] ? never : Exclude<T, undefined>;

export type PathParams<K extends OperationId> = Defined<Parameters_<K>["path"]>;
export type QueryParams<K extends OperationId> = Defined<Parameters_<K>["query"]>;

type RequestBodyOf<K extends OperationId> = Defined<operations[K]["requestBody"]>;
export type Body<K extends OperationId> = RequestBodyOf<K> extends {
  content: { "application/json": infer J };
}
  ? J
  : never;

type Responses<K extends OperationId> = operations[K]["responses"];
type JsonOf<R> = R extends { content: { "application/json": infer J } } ? J : undefined;
type SuccessCode = 200 | 201 | 202 | 204;
/** What a successful call resolves to. */
export type Result<K extends OperationId> = {
  [C in keyof Responses<K>]: C extends SuccessCode ? JsonOf<Responses<K>[C]> : never;
}[keyof Responses<K>];

/** Ids are strings of digits in the schema; a number is accepted as well. */
type LooseIds<P> = { [N in keyof P]: P[N] | number };
type PathPart<K extends OperationId> = [PathParams<K>] extends [never]
  ? { path?: undefined }
  : { path: LooseIds<PathParams<K>> };
type QueryPart<K extends OperationId> = [QueryParams<K>] extends [never]
  ? { query?: undefined }
  : { query?: QueryParams<K> };
type BodyPart<K extends OperationId> = [Body<K>] extends [never]
  ? { body?: undefined }
  : undefined extends operations[K]["requestBody"]
    ? { body?: Body<K> }
    : { body: Body<K> };

/** A call's arguments: path parameters, query and JSON body, each where the schema has one. */
export type CallOptions<K extends OperationId> = PathPart<K> &
  QueryPart<K> &
  BodyPart<K> & { signal?: AbortSignal };

/** Operations whose answer is a page of `results`. */
export type PagedOperationId = {
  [K in OperationId]: (typeof OPERATIONS)[K]["paged"] extends true ? K : never;
}[OperationId];

/** Paged operations that take `updated_since`. */
export type IncrementalOperationId = {
  [K in PagedOperationId]: (typeof OPERATIONS)[K]["updatedSince"] extends true ? K : never;
}[PagedOperationId];

/** One record of a paged operation's `results`. */
export type Item<K extends PagedOperationId> =
  Result<K> extends { results: Array<infer T> } ? T : never;

/** Arguments that make the call's options optional when nothing in them is required. */
export type CallArgs<K extends OperationId> = {} extends CallOptions<K>
  ? [options?: CallOptions<K>]
  : [options: CallOptions<K>];
