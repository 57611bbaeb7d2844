// The baseline every service figure is compared with: a bare Express 5 hello-world with the same routes as the
// sample service (GET /, GET /health, POST /greetings) and nothing else: no helmet, no logging, no request ids,
// no validation, no graceful shutdown (SIGTERM ends it at once, as Node does by default).
import express from "express";

const app = express();

app.get("/", (_req, res) => {
  res.json({ service: "hello-express", version: "dev" });
});

app.get("/health", (_req, res) => {
  res.json({ status: "ok" });
});

app.post("/greetings", express.json(), (req, res) => {
  const name = String((req.body as { name?: unknown }).name);
  res.status(201).json({ name, message: `Hello, ${name}!` });
});

app.listen(Number(process.env.PORT ?? 3000));
