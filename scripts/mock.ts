import { Command, InvalidArgumentError, Option } from 'commander';
import { startMockServer } from '../fixtures/mock/server.js';

/**
 * `npm run mock -- [--port N]`: the mock meetings and their control page, for local debugging and for trying a
 * bot by hand (`meetbot join <a mock join_url> --platform ... --allow-loopback`). A fixture, not part of
 * meetbot: the runtime never imports it.
 */
const cli = new Command('mock')
  .description('serve the mock meetings and their control page on 127.0.0.1')
  .addOption(new Option('-p, --port <port>', 'TCP port').default('8080').argParser(port))
  .parse();

function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('it must be a TCP port (0-65535).');
  return n;
}

const server = await startMockServer({ port: cli.opts<{ port: number }>().port });
process.stderr.write(`mock meetings: control page at ${server.url}/ (Ctrl-C to stop)\n`);
const stop = () => void server.close().then(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
