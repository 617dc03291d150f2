/**
 * `npx tsx test/stack/cli.ts up|down|env|status`. `up` and `env` print the job's environment as
 * shell exports on stdout (`eval "$(npx tsx test/stack/cli.ts env)"`); everything else goes to stderr.
 */
import { ensureStackUp, formatEnv, readStackState, stopStack, unhealthyServers } from './env.js';
import { PATHS } from './paths.js';

async function main(command: string | undefined): Promise<number> {
  switch (command) {
    case 'up': {
      const env = await ensureStackUp();
      console.error(`local stack up; state and logs in ${PATHS.stateDir}`);
      process.stdout.write(formatEnv(env));
      return 0;
    }
    case 'down':
      await stopStack();
      console.error('local stack down');
      return 0;
    case 'env': {
      const state = readStackState();
      if (!state) {
        console.error('local stack is down (npm run stack:up)');
        return 1;
      }
      process.stdout.write(formatEnv(state.env));
      return 0;
    }
    case 'status': {
      const state = readStackState();
      if (!state) {
        console.error('local stack is down');
        return 1;
      }
      const failing = await unhealthyServers(state);
      console.error(`local stack up since ${state.startedAt} (daemon pid ${state.pid})`);
      for (const b of state.backends) console.error(`  ${b.host}: docker-registry :${b.port} pid ${b.pid}`);
      console.error(
        `  registry proxy :${state.ports.registry}, AWS :${state.ports.aws}, OIDC :${state.ports.oidc}`,
      );
      console.error(failing.length ? `  not answering: ${failing.join(', ')}` : '  every server answers');
      return failing.length ? 1 : 0;
    }
    default:
      console.error('usage: tsx test/stack/cli.ts up|down|env|status');
      return 2;
  }
}

main(process.argv[2]).then(
  (code) => process.exit(code),
  (error: Error) => {
    console.error(`stack: ${error.message}`);
    process.exit(1);
  },
);
