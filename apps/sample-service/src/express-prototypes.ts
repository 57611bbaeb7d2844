import { IncomingMessage, ServerResponse } from "node:http";
import type { Socket } from "node:net";
import type { Express } from "express";

/**
 * The request and response classes for node:http's createServer(), whose instances are born with the app's
 * Express prototypes. Express gives every request and response its own prototypes (Object.setPrototypeOf), which
 * costs about a tenth of a bare Express request, unless they already have them: then it changes nothing.
 */
export function expressPrototypes(app: Express): {
  IncomingMessage: typeof IncomingMessage;
  ServerResponse: typeof ServerResponse;
} {
  function Request(socket: Socket): IncomingMessage {
    return Reflect.construct(IncomingMessage, [socket], Request);
  }
  Request.prototype = app.request;
  function Response(req: IncomingMessage, options?: object): ServerResponse {
    return Reflect.construct(ServerResponse, [req, options], Response);
  }
  Response.prototype = app.response;
  return {
    IncomingMessage: Request as unknown as typeof IncomingMessage,
    ServerResponse: Response as unknown as typeof ServerResponse,
  };
}
