/** Pure rules for the container lifecycle commands: which containers an action applies to, and the words. */
import type { ContainerAction, ContainerState, ContainerSummary } from '../engine/ContainerEngine';
import type { Translate } from '../l10n';

export type LifecycleVerb = ContainerAction | 'remove' | 'rename';

/** Whether the action makes sense for a container in this state (the palette offers only these). */
export function appliesTo(verb: LifecycleVerb, state: ContainerState): boolean {
  switch (verb) {
    case 'start':
      return state === 'created' || state === 'exited' || state === 'dead';
    case 'stop':
    case 'kill':
      return state === 'running' || state === 'restarting' || state === 'paused';
    case 'restart':
      return state !== 'removing' && state !== 'dead';
    case 'pause':
      return state === 'running';
    case 'unpause':
      return state === 'paused';
    case 'remove':
    case 'rename':
      return state !== 'removing';
  }
}

/** "Stopping 3 containers…", "Stopping web…": the progress title. */
export function progressTitle(verb: LifecycleVerb, names: readonly string[], t: Translate): string {
  const who = names.length === 1 ? (names[0] ?? '') : t('{0} containers', names.length);
  switch (verb) {
    case 'start':
      return t('Starting {0}…', who);
    case 'stop':
      return t('Stopping {0}…', who);
    case 'restart':
      return t('Restarting {0}…', who);
    case 'pause':
      return t('Pausing {0}…', who);
    case 'unpause':
      return t('Resuming {0}…', who);
    case 'kill':
      return t('Killing {0}…', who);
    case 'remove':
      return t('Removing {0}…', who);
    case 'rename':
      return t('Renaming {0}…', who);
  }
}

/** The question before removing: stronger when some are running, since they are stopped first. */
export function removeQuestion(containers: readonly Pick<ContainerSummary, 'name' | 'state'>[], t: Translate): { message: string; detail: string } {
  const running = containers.filter((c) => c.state === 'running' || c.state === 'restarting' || c.state === 'paused');
  const names = containers.map((c) => c.name);
  const message = names.length === 1 ? t('Remove the container {0}?', names[0] ?? '') : t('Remove {0} containers?', names.length);
  const lost = t('Files it changed outside volumes are lost; its image and named volumes stay.');
  if (running.length === 0) return { message, detail: names.length === 1 ? lost : `${names.join(', ')}\n\n${lost}` };
  const runningText =
    running.length === containers.length
      ? names.length === 1
        ? t('It is running: it will be stopped and removed.')
        : t('They are running: they will be stopped and removed.')
      : t('{0} running: they will be stopped and removed.', running.map((c) => c.name).join(', '));
  return { message, detail: `${runningText}\n\n${lost}` };
}

/** Docker's rule for container names. */
export function validContainerName(name: string, t: Translate): string | undefined {
  if (name.length === 0) return t('A name is required.');
  if (!/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/.test(name)) return t('Use letters, digits, "_", "." and "-", starting with a letter or digit.');
  return undefined;
}

/** The verb as the user reads it in a sentence ("resume", not the API's "unpause"), translated. */
export function verbPhrase(verb: LifecycleVerb, t: Translate): string {
  switch (verb) {
    case 'start':
      return t('start');
    case 'stop':
      return t('stop');
    case 'restart':
      return t('restart');
    case 'pause':
      return t('pause');
    case 'unpause':
      return t('resume');
    case 'kill':
      return t('kill');
    case 'remove':
      return t('remove');
    case 'rename':
      return t('rename');
  }
}

/** One line per failure, for a single message after a batch. */
export function failureSummary(verb: LifecycleVerb, failures: ReadonlyArray<{ name: string; message: string }>, total: number, t: Translate): string {
  const phrase = verbPhrase(verb, t);
  const head = total === 1 ? t('Could not {0} {1}: {2}', phrase, failures[0]?.name ?? '', failures[0]?.message ?? '') : t('Could not {0} {1} of {2} containers.', phrase, failures.length, total);
  return total === 1 ? head : `${head} ${failures.map((f) => `${f.name}: ${f.message}`).join('; ')}`;
}
