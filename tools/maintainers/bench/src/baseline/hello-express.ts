// The baseline every service figure is compared with: a bare Express 5 app with the same routes as the sample
// service (GET /, GET /health, POST /greetings) doing the same work in them, and nothing else: no helmet, no
// logging, no request ids, no JSON errors, no graceful shutdown (SIGTERM ends it at once, as Node does by default).
// POST /greetings validates and stores with the sample service's own code, so the figures compare what the
// service adds around its routes, not the routes' work itself.
import { GreetingStore, parseNewGreeting } from "@repo/sample-service/src/greetings.ts";
import express from "express";

const app = express();
const greetings = new GreetingStore();

app.get("/", (_req, res) => {
  res.json({ service: "hello-express", version: "dev" });
});

app.get("/health", (_req, res) => {
  res.json({ status: "ok" });
});

app.post("/greetings", express.json(), (req, res) => {
  const { name } = parseNewGreeting(req.body);
  const greeting = greetings.add(name);
  res.status(201).location(`/greetings/${greeting.id}`).json(greeting);
});

app.listen(Number(process.env.PORT ?? 3000));
