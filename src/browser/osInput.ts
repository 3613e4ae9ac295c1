import { SupervisedProcess } from '../process/supervisor.js';

/**
 * OS-level key presses on one X display through xdotool (XTEST). Chromium's native dialogs (the external
 * protocol prompt that Webex's chooser triggers) are browser chrome: neither CDP nor page input reaches them.
 */
export function osKeyPresser(display: string | null): (key: string) => Promise<boolean> {
  return async (key) => {
    if (!display) return false;
    const xdotool = SupervisedProcess.start({
      name: 'xdotool',
      command: 'xdotool',
      args: ['key', '--clearmodifiers', key],
      env: { ...process.env, DISPLAY: display },
    });
    const timer = setTimeout(() => void xdotool.stop('xdotool took too long', 'SIGKILL', 0), 3000);
    const exit = await xdotool.exited;
    clearTimeout(timer);
    return exit.kind === 'exited' && exit.code === 0;
  };
}
