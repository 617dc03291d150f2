import * as core from '@actions/core';
import type { Runner } from './runner.js';

/** The GitHub Actions runner: inputs from INPUT_*, file commands for outputs, state, env and summary. */
export function actionsRunner(env: NodeJS.ProcessEnv = process.env): Runner {
  return {
    input: (name) => core.getInput(name),
    setOutput: (name, value) => core.setOutput(name, value),
    mask: (value) => core.setSecret(value),
    saveState: (name, value) => core.saveState(name, value),
    exportVariable: (name, value) => core.exportVariable(name, value),
    info: (message) => core.info(message),
    notice: (message) => core.notice(message),
    warning: (message) => core.warning(message),
    debug: (message) => core.debug(message),
    group: (name, fn) => core.group(name, fn),
    summary: async (markdown) => {
      if (!env.GITHUB_STEP_SUMMARY) return;
      await core.summary.addRaw(markdown, true).write();
    },
    env,
  };
}
