/**
 * Loaded before every test file. A test that makes the code log through console.error fails: an
 * error nobody asserted on is a bug nobody will see.
 */
const original = console.error;
console.error = (...args: unknown[]) => {
  original('console.error was called during a test (this fails the run):', ...args);
  process.exitCode = 1;
};
