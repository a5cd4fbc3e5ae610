// Process-level safety net for `serve`: an error no handler caught is logged and the server keeps serving
// (the job runs in its own worker process and the database is transactional), instead of dying with its clients.
export function guardProcess(log: (line: string) => void): () => void {
  const onException = (err: Error) => log(`unexpected error (still serving): ${err.stack ?? err.message}`);
  const onRejection = (reason: unknown) =>
    log(
      `unhandled promise rejection (still serving): ${reason instanceof Error ? (reason.stack ?? reason.message) : String(reason)}`,
    );
  process.on('uncaughtException', onException);
  process.on('unhandledRejection', onRejection);
  return () => {
    process.off('uncaughtException', onException);
    process.off('unhandledRejection', onRejection);
  };
}
