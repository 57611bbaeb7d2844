// Preloaded into the service under test (node --import): process.exit() writes a line before it exits, so a test can
// tell a process that called it from one that ended by itself.
const exit = process.exit;
process.exit = function reportedExit(code) {
  process.stderr.write(`${JSON.stringify({ msg: "process.exit() called", code })}\n`);
  return exit.call(process, code);
};
