#!/usr/bin/env node
// Placeholder for a root command whose issue has not landed yet: says so and fails, so no script mistakes it for success.
const [command, issue] = process.argv.slice(2);
console.error(`pnpm ${command} is not implemented yet: it arrives with ${issue}.`);
process.exit(2);
