import { parseArgs } from "node:util";
import { ConfigError, loadEnv, setEnv } from "../env.js";
import { connect, disconnect, transaction } from "../db.js";
import { migrateUp } from "../migrate.js";
import { AppError } from "../errors.js";
import { runWorkerProcess } from "../outbox/fromEnv.js";
import { checkBlobStoreConfig, closeBlobStores } from "../services/blobs/index.js";
import { commands, stepwiseCommands, type CliCommand, type StepwiseCliCommand } from "./commands.js";

class UsageError extends Error {}

function usage(): string {
  return [
    "usage: kuvert <command> [options]",
    ...Object.entries({ ...commands, ...stepwiseCommands }).map(([name, c]) => `  ${name.padEnd(16)} ${c.usage}`),
    `  ${"worker".padEnd(16)} deliver the outbox (e-mail, SMS) until SIGTERM; see docs/operations.md`,
  ].join("\n");
}

/** `kuvert worker`: a long-running outbox worker (no transaction around it, no JSON result until it stops). */
async function runWorker(rest: string[]): Promise<unknown> {
  if (rest.length) throw new UsageError(`worker takes no options\n  worker`);
  setEnv(loadEnv());
  const sequelize = await connect();
  try {
    await migrateUp(sequelize);
    let id = "";
    await runWorkerProcess((worker) => {
      id = worker.id;
      process.stdout.write(JSON.stringify({ worker: "started", id, concurrency: worker.concurrency }) + "\n");
    });
    return { worker: "stopped", id };
  } finally {
    await disconnect();
  }
}

async function run(argv: string[]): Promise<unknown> {
  const [name, ...rest] = argv;
  if (name === "worker") return runWorker(rest);
  const stepwise: StepwiseCliCommand | undefined = name ? stepwiseCommands[name] : undefined;
  const command: CliCommand | StepwiseCliCommand | undefined = name ? (commands[name] ?? stepwise) : undefined;
  if (!command) throw new UsageError(name ? `unknown command "${name}"\n${usage()}` : usage());
  let values: Record<string, string | undefined>;
  try {
    values = parseArgs({ args: rest, options: command.options, strict: true, allowPositionals: false })
      .values as Record<string, string | undefined>;
  } catch (err) {
    throw new UsageError(`${(err as Error).message}\n  ${name} ${command.usage}`);
  }
  for (const required of command.required ?? []) {
    if (!values[required]) throw new UsageError(`--${required} is required\n  ${name} ${command.usage}`);
  }
  setEnv(loadEnv());
  checkBlobStoreConfig();
  const sequelize = await connect();
  try {
    const applied = await migrateUp(sequelize);
    if (name === "migrate") return { ok: true, applied };
    if (stepwise) return await stepwise.runStepwise(values);
    return await transaction((t) => (command as CliCommand).run(t, values));
  } finally {
    closeBlobStores();
    await disconnect();
  }
}

run(process.argv.slice(2)).then(
  (result) => {
    process.stdout.write(JSON.stringify(result, null, 2) + "\n");
    process.exit(0);
  },
  (err: Error) => {
    const known = err instanceof UsageError || err instanceof ConfigError || err instanceof AppError;
    const error =
      err instanceof AppError
        ? err.id
        : err instanceof UsageError
          ? "usage"
          : err instanceof ConfigError
            ? "config"
            : "internal_error";
    process.stderr.write(
      JSON.stringify({ error, message: known ? err.message : `unexpected error: ${err.message}` }) + "\n",
    );
    process.exit(err instanceof UsageError ? 64 : 1);
  },
);
