// Runs a benchmark's main so that a failure (a missing input, a missing Python) is one line naming the benchmark,
// not a stack trace: an uncaught error once the WebAssembly backend had loaded printed its whole module.
export async function runBench(name: string, main: () => Promise<void>): Promise<void> {
  try {
    await main();
  } catch (err) {
    console.error(`${name}: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 1;
  }
}
