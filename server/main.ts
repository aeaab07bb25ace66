import { readFileSync } from 'node:fs';
import { loadConfig } from './config.js';
import { runCli } from './cli.js';

/** `npm start` and `npx rapport …` both come here. */
const [command = 'start', ...args] = process.argv.slice(2);
process.exitCode = await runCli(command, args, loadConfig(), {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  readFile: (path) => readFileSync(path, 'utf8'),
});
