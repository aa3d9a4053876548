/** Runs a benchmark's main: exit 0 when it finishes, 1 with the error when it fails. */
export function runMain(main: () => Promise<void>): void {
  main().then(
    () => process.exit(0),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
