import { randomUUID } from "node:crypto";
import express, { type RequestHandler, type Router } from "express";
// zod/mini: the same validation as "zod" in a fraction of the bundle (the classic API pulls in every locale).
import * as z from "zod/mini";
import { HttpError, methodNotAllowed } from "./errors.ts";
import { sendJson } from "./json-response.ts";

export interface Greeting {
  id: string;
  name: string;
  message: string;
  createdAt: string;
}

/** An in-memory store, bounded so a long benchmark cannot fill the task's memory: the oldest entries go first. */
export class GreetingStore {
  readonly #greetings = new Map<string, Greeting>();
  // The ids in the order they were added, as a ring: the oldest is at hand. (A Map's first key is found by walking
  // past every entry deleted since the Map last rehashed: several times the cost of this.)
  readonly #ids: (string | undefined)[];
  #oldest = 0;
  // The time of the last greeting, formatted: greetings made in the same millisecond share it (under load,
  // formatting a Date cost more than the rest of add()).
  #lastMs = Number.NaN;
  #lastIso = "";

  constructor(readonly capacity = 1000) {
    this.#ids = new Array<string | undefined>(capacity).fill(undefined);
  }

  add(name: string): Greeting {
    const now = Date.now();
    if (now !== this.#lastMs) {
      this.#lastMs = now;
      this.#lastIso = new Date(now).toISOString();
    }
    const greeting: Greeting = { id: randomUUID(), name, message: `Hello, ${name}!`, createdAt: this.#lastIso };
    const evicted = this.#ids[this.#oldest];
    if (evicted !== undefined) this.#greetings.delete(evicted);
    this.#greetings.set(greeting.id, greeting);
    this.#ids[this.#oldest] = greeting.id;
    this.#oldest = (this.#oldest + 1) % this.capacity;
    return greeting;
  }

  get(id: string): Greeting | undefined {
    return this.#greetings.get(id);
  }

  get size(): number {
    return this.#greetings.size;
  }
}

const createGreeting = z.object({
  name: z
    .string({ error: (issue) => (issue.input === undefined ? "is required" : "must be a string") })
    .check(z.trim(), z.minLength(1, "must not be empty"), z.maxLength(100, "must be at most 100 characters")),
});

/** The body of POST /greetings, validated: `{ name }` trimmed, or an HttpError 400 naming each bad field. */
export function parseNewGreeting(body: unknown): z.output<typeof createGreeting> {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw new HttpError(400, "validation_failed", "body: must be a JSON object", [
      { field: "body", message: "must be a JSON object" },
    ]);
  }
  const result = createGreeting.safeParse(body);
  if (!result.success) {
    const details = result.error.issues.map((issue) => ({
      field: issue.path.map(String).join(".") || "body",
      message: issue.message,
    }));
    throw new HttpError(400, "validation_failed", details.map((d) => `${d.field}: ${d.message}`).join("; "), details);
  }
  return result.data;
}

/**
 * POST /greetings { name } -> 201 { id, name, message, createdAt }; GET /greetings/:id -> 200 or 404.
 * Added to the app's own router: a nested express.Router() costs every request that reaches it a second dispatch.
 */
export function addGreetingRoutes(router: Pick<Router, "route">, store: GreetingStore, bodyLimitBytes: number): void {
  const json = express.json({ limit: bodyLimitBytes });

  const requireJson: RequestHandler = (req, _res, next) => {
    // What JSON clients send, accepted without parsing the header (express.json() parses it again anyway).
    if (req.headers["content-type"] === "application/json") {
      next();
      return;
    }
    // No body at all is a validation error (400), not a media type error (req.is() is null then, or the length 0).
    if (req.is("application/json") === false && req.headers["content-length"] !== "0") {
      next(new HttpError(415, "unsupported_media_type", "Content-Type must be application/json"));
      return;
    }
    next();
  };

  router
    .route("/greetings")
    .post(requireJson, json, (req, res) => {
      const { name } = parseNewGreeting(req.body);
      const greeting = store.add(name);
      res.setHeader("Location", `/greetings/${greeting.id}`);
      sendJson(res, 201, JSON.stringify(greeting));
    })
    .all(methodNotAllowed(["POST"]));

  router
    .route("/greetings/:id")
    .get((req, res) => {
      const greeting = store.get(req.params.id);
      if (!greeting) throw new HttpError(404, "not_found", "No greeting with this id");
      sendJson(res, 200, JSON.stringify(greeting));
    })
    .all(methodNotAllowed(["GET", "HEAD"]));
}
