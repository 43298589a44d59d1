/** Debian/Ubuntu package rules: apt-get install hygiene. */
import type { Instruction } from '../dockerfile';
import { commandName, hasOption, positionalArgs, subcommand } from '../shell';
import type { ShellCommand } from '../shell';
import type { LocatedCommand, Rule, RuleContext } from '../types';
import { appendFix, commandsNamed, insertFix, instructionsOf, nameSpan, stagesInFinalImage } from './util';

/** apt-get options that take a value, so their value is not mistaken for a package. */
const APT_VALUE_OPTIONS = new Set(['-o', '-c', '-t', '--option', '--config-file', '--target-release', '--default-release']);

function aptInstalls(context: RuleContext): Array<LocatedCommand & { run: Instruction; sub: { start: number; end: number } }> {
  const result: Array<LocatedCommand & { run: Instruction; sub: { start: number; end: number } }> = [];
  for (const located of commandsNamed(context, 'apt-get')) {
    const sub = subcommand(located.command, APT_VALUE_OPTIONS);
    if (sub?.value === 'install') result.push({ ...located, sub });
  }
  return result;
}

function packages(command: ShellCommand): ReturnType<typeof positionalArgs> {
  return positionalArgs(command, APT_VALUE_OPTIONS).slice(1);
}

/** A package is pinned by `pkg=version`, or installed from a file (`./x.deb`, `/tmp/x.deb`). */
function isPinnedApt(pkg: string): boolean {
  return pkg.includes('=') || pkg.endsWith('.deb') || pkg.startsWith('$');
}

export const DL3008: Rule = {
  code: 'DL3008',
  severity: 'warning',
  message: 'Pin versions in apt-get install: use `apt-get install <package>=<version>`.',
  explanation:
    'Without a version, every build installs whatever the mirror has that day, so two builds of the same Dockerfile can differ and a rebuild can break. Pin each package (`curl=7.88.1-10+deb12u5`); `apt-cache policy <package>` shows the versions available.',
  check(context) {
    for (const located of aptInstalls(context)) {
      for (const pkg of packages(located.command)) {
        if (!isPinnedApt(pkg.value)) {
          context.report({ span: located.script.span(pkg.start, pkg.end), message: `Pin versions in apt-get install: \`${pkg.value}\` has no version (\`${pkg.value}=<version>\`).` });
        }
      }
    }
  },
};

export const DL3014: Rule = {
  code: 'DL3014',
  severity: 'warning',
  message: 'Use the `-y` switch to avoid manual input: `apt-get -y install <package>`.',
  explanation: 'A build has no one to answer apt-get\'s "Do you want to continue?" prompt; without `-y` (or `--yes`, `--assume-yes`, `-qq`) the install aborts.',
  check(context) {
    for (const located of aptInstalls(context)) {
      // -qq implies -y for apt-get.
      if (hasOption(located.command, '-y', '--yes', '--assume-yes', '-qq', '--quiet=2', '-q=2')) continue;
      // In JSON form words have no positions of their own, so no edit can be placed safely.
      context.report({ span: nameSpan(located), fixes: insertFix(located, located.sub.end, 'Add -y to apt-get install', ' -y') });
    }
  },
};

export const DL3015: Rule = {
  code: 'DL3015',
  severity: 'info',
  message: 'Avoid additional packages by specifying `--no-install-recommends`.',
  explanation: 'apt-get also installs "recommended" packages by default, which the image rarely needs: they add size and attack surface. `--no-install-recommends` installs only what you asked for and its dependencies.',
  check(context) {
    for (const located of aptInstalls(context)) {
      if (hasOption(located.command, '--no-install-recommends') || located.command.args.some((a) => /APT::Install-Recommends=(false|0)/i.test(a.value))) continue;
      context.report({
        span: nameSpan(located),
        fixes: insertFix(located, located.sub.end, 'Add --no-install-recommends', ' --no-install-recommends'),
      });
    }
  },
};

export const DL3009: Rule = {
  code: 'DL3009',
  severity: 'info',
  message: 'Delete the apt-get lists after installing something: `&& rm -rf /var/lib/apt/lists/*` in the RUN that ran `apt-get update`.',
  explanation:
    '`apt-get update` downloads package lists into /var/lib/apt/lists; left there they add tens of megabytes to the layer. Remove them in the same RUN (`&& rm -rf /var/lib/apt/lists/*`): a later RUN cannot shrink an earlier layer. Cache and tmpfs mounts on that folder are exempt, and so are stages that only serve `COPY --from` (their layers never reach the image), as in hadolint.',
  check(context) {
    const shipped = stagesInFinalImage(context.file);
    // ONBUILD triggers run in the images built on this one: they always count.
    const triggers = new Set(context.file.instructions.map((i) => i.trigger));
    for (const run of instructionsOf(context.file, 'RUN')) {
      if (!context.isPosixShell(run)) continue;
      if (!shipped.has(run.stage) && !triggers.has(run)) continue;
      // A cache or tmpfs mount on the lists (or on all of /var/lib/apt, as Docker's docs show) keeps them out of the layer.
      if (run.flags.some((f) => f.name === 'mount' && /type=(cache|tmpfs)/.test(f.value ?? '') && /(target|dst|destination)=\/var\/lib\/apt(\/lists)?\/?(,|$)/.test(f.value ?? ''))) continue;
      const commands = context.commands(run);
      // The lists come from `apt-get update`: the RUN that downloads them must remove them.
      const updates = commands.filter((c) => commandName(c.command) === 'apt-get' && subcommand(c.command, APT_VALUE_OPTIONS)?.value === 'update');
      const last = updates[updates.length - 1];
      if (!last) continue;
      // Removing them before the update leaves the fresh lists behind: the removal must come after it.
      const updatedAt = last.script.span(last.command.start, last.command.end).start;
      const cleaned = commands.some(
        (c) =>
          commandName(c.command) === 'rm' &&
          c.script.span(c.command.start, c.command.end).start >= updatedAt &&
          c.command.args.some((a) => /^\/var\/lib\/apt\/lists\/?\*?$/.test(a.value)),
      );
      if (cleaned) continue;
      context.report({ span: nameSpan(last), fixes: appendFix(context, last, 'Remove the apt lists in the same RUN', 'rm -rf /var/lib/apt/lists/*') });
    }
  },
};

/** `apt` subcommands that `apt-get` and `apt-cache` have under the same name. */
const APT_GET_SUBCOMMANDS: ReadonlySet<string> = new Set(['install', 'remove', 'purge', 'update', 'upgrade', 'autoremove', 'clean', 'autoclean', 'source', 'build-dep', 'download', 'check', 'satisfy', 'changelog']);
const APT_CACHE_SUBCOMMANDS: ReadonlySet<string> = new Set(['search', 'show', 'showsrc', 'showpkg', 'policy', 'depends', 'rdepends', 'madison', 'pkgnames', 'stats']);

export const DL3027: Rule = {
  code: 'DL3027',
  severity: 'warning',
  message: 'Do not use `apt`: it is meant for people, not scripts. Use `apt-get` or `apt-cache`.',
  explanation: '`apt` warns that its command-line interface is not stable and may change between versions; in a build, use the stable `apt-get` and `apt-cache` instead.',
  check(context) {
    for (const located of commandsNamed(context, 'apt')) {
      const sub = subcommand(located.command)?.value ?? '';
      // Only where the other tool has the same subcommand (`apt list`, `apt full-upgrade` have none).
      const replacement = APT_GET_SUBCOMMANDS.has(sub) ? 'apt-get' : APT_CACHE_SUBCOMMANDS.has(sub) ? 'apt-cache' : undefined;
      const span = nameSpan(located);
      context.report({ span, fixes: replacement && located.script.exact ? [{ title: `Use ${replacement}`, edits: [{ span, newText: replacement }] }] : [] });
    }
  },
};

export const APT_RULES: readonly Rule[] = [DL3008, DL3009, DL3014, DL3015, DL3027];
