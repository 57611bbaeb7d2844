import { IncomingMessage, ServerResponse } from "node:http";
import { Socket } from "node:net";
import express from "express";
import { describe, expect, it } from "vitest";
import { expressPrototypes } from "../src/express-prototypes.ts";

describe("expressPrototypes", () => {
  it("makes node:http requests and responses that already have the app's Express prototypes", () => {
    const app = express();
    const classes = expressPrototypes(app);
    const req = new classes.IncomingMessage(new Socket());
    const res = new classes.ServerResponse(req);
    expect(Object.getPrototypeOf(req)).toBe(app.request);
    expect(Object.getPrototypeOf(res)).toBe(app.response);
    // Still node:http's own objects, set up by their constructors.
    expect(req).toBeInstanceOf(IncomingMessage);
    expect(res).toBeInstanceOf(ServerResponse);
    expect(res.statusCode).toBe(200);
    expect(res.req).toBe(req);
  });
});
