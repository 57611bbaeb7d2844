// Preloaded into the service under test (node --import): SIGUSR2 throws from a listener, so the error reaches the
// service's uncaughtException handler the way a bug in a callback would. Production code has no such switch.
process.on("SIGUSR2", () => {
  throw new Error("thrown on SIGUSR2 by the test preload");
});
