import { readFileSync } from 'node:fs';
import { loadConfig } from './config.js';
import { runCli } from './cli.js';

/** `npm start` and `npx rapport …` both come here. */
const [command = 'start', ...args] = process.argv.slice(2);
process.exitCode = await runCli(command, args, loadConfig(), {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  readFile: (path) => readFileSync(path, 'utf8'),
  // On a terminal the progress bar is redrawn in place; piped, each update is its own line.
  progress: (line, done) => process.stderr.write(process.stderr.isTTY ? `\r${line}${done ? '\n' : ''}` : `${line}\n`),
});
