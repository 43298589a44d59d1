/**
 * The shell side of the linter: RUN scripts parsed by tree-sitter-bash (a maintained, real bash
 * grammar) into a flat list of simple commands with their connectors and exact offsets. Rules ask
 * "is there an `apt-get install` without `-y`", never regexes over shell text.
 *
 * Initialisation is asynchronous (WebAssembly); parsing is synchronous and cached per script,
 * so re-linting an edited file re-parses only the RUNs that changed.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Language, Parser } from 'web-tree-sitter';
import type { Node } from 'web-tree-sitter';

/** How a command is joined to the one before it. */
export type Connector = '&&' | '||' | ';' | '|' | undefined;

export interface ShellWord {
  /** The word with quotes removed (expansions kept as written). */
  value: string;
  /** Offsets into the parsed script (UTF-16, end exclusive). */
  start: number;
  end: number;
}

export interface ShellCommand {
  /** The command name, e.g. `apt-get` (a path such as `/usr/bin/apt-get` is kept as written). */
  name: string;
  nameStart: number;
  nameEnd: number;
  args: ShellWord[];
  start: number;
  end: number;
  connector: Connector;
  inSubshell: boolean;
  inPipeline: boolean;
}

export interface ShellScript {
  /** The script as parsed. */
  source: string;
  commands: ShellCommand[];
  /** The script contains a pipe (`|`) between commands. */
  hasPipe: boolean;
  /** tree-sitter had to recover from a syntax error somewhere. */
  hasError: boolean;
}

const SUBSHELL_TYPES = new Set(['subshell', 'command_substitution', 'process_substitution']);

function unescape(text: string): string {
  return text.replace(/\\\n|\\(.)/gs, (_whole, c: string | undefined) => c ?? '');
}

function wordValue(node: Node): string {
  switch (node.type) {
    case 'word':
      return unescape(node.text);
    case 'raw_string':
      return node.text.slice(1, -1);
    case 'string': {
      const inner = node.text.slice(1, -1);
      return node.namedChildren.every((c) => c?.type === 'string_content') ? unescape(inner) : inner;
    }
    case 'concatenation':
      return node.namedChildren.map((c) => (c ? wordValue(c) : '')).join('');
    default:
      // $X, ${X}, $(…): kept as source text; rules treat them as opaque.
      return node.text;
  }
}

interface Walk {
  connector: Connector;
  inSubshell: boolean;
  inPipeline: boolean;
}

/** Flattens a tree-sitter-bash tree into simple commands, in source order. */
function collectCommands(root: Node): { commands: ShellCommand[]; hasPipe: boolean } {
  const commands: ShellCommand[] = [];
  let hasPipe = false;

  const emit = (node: Node, name: Node | null | undefined, args: Node[], walk: Walk): void => {
    // Error recovery can produce empty or MISSING names; they are not commands.
    if (!name || name.isMissing || name.startIndex === name.endIndex) return;
    const nameNode = name.firstNamedChild ?? name;
    commands.push({
      name: wordValue(nameNode),
      nameStart: name.startIndex,
      nameEnd: name.endIndex,
      args: args.map((a) => ({ value: wordValue(a), start: a.startIndex, end: a.endIndex })),
      start: node.startIndex,
      end: node.endIndex,
      // Written out, not spread: every command has one shape, and rules read these a lot.
      connector: walk.connector,
      inSubshell: walk.inSubshell,
      inPipeline: walk.inPipeline,
    });
  };

  const visit = (node: Node, walk: Walk): void => {
    const kids = node.children.filter((k): k is Node => k !== null);
    let connector = walk.connector;
    switch (node.type) {
      case 'command':
        emit(node, node.childForFieldName('name'), node.childrenForFieldName('argument').filter((k): k is Node => k !== null), walk);
        connector = undefined;
        break;
      case 'declaration_command':
      case 'unset_command':
        emit(node, kids[0], kids.slice(1).filter((k) => k.isNamed), walk);
        return;
      case 'list': {
        // tree-sitter nests `a && b && c` to the left; walk that spine in a loop, not by recursion,
        // so a RUN with thousands of chained commands cannot overflow the stack.
        const rights: Node[][] = [];
        let leftmost: Node | undefined = node;
        while (leftmost?.type === 'list') {
          const parts: Node[] = leftmost.children.filter((k): k is Node => k !== null);
          rights.push(parts.slice(1));
          leftmost = parts[0];
        }
        if (leftmost?.isNamed) visit(leftmost, { connector, inSubshell: walk.inSubshell, inPipeline: walk.inPipeline });
        for (let i = rights.length - 1; i >= 0; i--) {
          for (const k of rights[i] ?? []) {
            if (k.type === '&&' || k.type === '||') connector = k.type;
            else if (k.isNamed) visit(k, { connector, inSubshell: walk.inSubshell, inPipeline: walk.inPipeline });
          }
        }
        return;
      }
      case 'pipeline':
        hasPipe = true;
        for (const k of kids) {
          if (!k.isNamed) continue;
          visit(k, { connector, inSubshell: walk.inSubshell, inPipeline: true });
          connector = '|';
        }
        return;
      case 'heredoc_redirect':
        // tree-sitter-bash nests what follows `<<EOF` on its line (`| sh`, `&& x`) inside the redirect.
        connector = undefined;
        for (const k of kids) {
          if (k.type === '&&' || k.type === '||') connector = k.type;
          else if (k.type === 'pipeline') {
            hasPipe = true;
            for (const p of k.namedChildren) if (p) visit(p, { connector: '|', inSubshell: walk.inSubshell, inPipeline: true });
          } else if (connector && k.isNamed) {
            visit(k, { connector, inSubshell: walk.inSubshell, inPipeline: walk.inPipeline });
            connector = undefined;
          }
        }
        return;
      default:
        break;
    }
    // Inside a command only substitutions hold further commands, and they run in a subshell.
    const inSubshell = walk.inSubshell || SUBSHELL_TYPES.has(node.type) || node.type === 'command';
    for (const k of kids) {
      if (k.type === ';' || k.type === '&' || k.type === ';;') {
        connector = ';';
        continue;
      }
      if (!k.isNamed || k.type === 'command_name') continue;
      const before = commands.length;
      visit(k, { connector, inSubshell, inPipeline: walk.inPipeline });
      if (commands.length > before) connector = ';';
    }
  };

  visit(root, { connector: undefined, inSubshell: false, inPipeline: false });
  return { commands, hasPipe };
}

/** Finds the .wasm files next to the bundle (dist/) or in node_modules (tests, CLI from source). */
function locateWasm(file: string, packageName: string): string {
  const beside = join(__dirname, file);
  if (existsSync(beside)) return beside;
  return require.resolve(`${packageName}/${file}`);
}

export class ShellParser {
  private readonly cache = new Map<string, ShellScript>();

  private constructor(
    private readonly parser: Parser,
    private readonly cacheSize: number,
  ) {}

  /** Loads the WebAssembly runtime and the bash grammar. Call once; `parse` is synchronous after. */
  static async create(cacheSize = 4096): Promise<ShellParser> {
    await Parser.init({ locateFile: (name: string) => locateWasm(name, 'web-tree-sitter') });
    const bash = await Language.load(locateWasm('tree-sitter-bash.wasm', 'tree-sitter-bash'));
    const parser = new Parser();
    parser.setLanguage(bash);
    return new ShellParser(parser, cacheSize);
  }

  parse(source: string): ShellScript {
    const cached = this.cache.get(source);
    if (cached) {
      // Refresh its place in the LRU order.
      this.cache.delete(source);
      this.cache.set(source, cached);
      return cached;
    }
    const tree = this.parser.parse(source);
    let script: ShellScript;
    if (!tree) {
      script = { source, commands: [], hasPipe: false, hasError: true };
    } else {
      try {
        const { commands, hasPipe } = collectCommands(tree.rootNode);
        script = { source, commands, hasPipe, hasError: tree.rootNode.hasError };
      } finally {
        tree.delete();
      }
    }
    this.cache.set(source, script);
    if (this.cache.size > this.cacheSize) {
      const oldest = this.cache.keys().next().value;
      if (oldest !== undefined) this.cache.delete(oldest);
    }
    return script;
  }

  dispose(): void {
    this.cache.clear();
    this.parser.delete();
  }
}

/** The words after a command name that are not options, e.g. packages for `apt-get install`. */
export function positionalArgs(command: ShellCommand, optionsWithValue: ReadonlySet<string> = new Set()): ShellWord[] {
  const result: ShellWord[] = [];
  let skipNext = false;
  let afterDoubleDash = false;
  for (const arg of command.args) {
    if (skipNext) {
      skipNext = false;
      continue;
    }
    if (!afterDoubleDash && arg.value === '--') {
      afterDoubleDash = true;
      continue;
    }
    if (!afterDoubleDash && arg.value.startsWith('-') && arg.value.length > 1) {
      if (optionsWithValue.has(arg.value)) skipNext = true;
      continue;
    }
    result.push(arg);
  }
  return result;
}

/** True if the command carries any of the options, including inside combined short flags (`-qy`). */
export function hasOption(command: ShellCommand, ...options: string[]): boolean {
  for (const arg of command.args) {
    const v = arg.value;
    if (v === '--') return false;
    if (options.includes(v) || options.some((o) => o.startsWith('--') && v.startsWith(`${o}=`))) return true;
    if (/^-[a-zA-Z]{2,}$/.test(v)) {
      for (const o of options) if (/^-[a-zA-Z]$/.test(o) && v.includes(o.slice(1))) return true;
    }
  }
  return false;
}

/** The command's subcommand: the first positional word, e.g. `install` for `apt-get -q install x`. */
export function subcommand(command: ShellCommand, optionsWithValue?: ReadonlySet<string>): ShellWord | undefined {
  return positionalArgs(command, optionsWithValue)[0];
}

/** The base name of a command (`/usr/bin/apt-get` → `apt-get`), so rules match either spelling. */
export function commandName(command: Pick<ShellCommand, 'name'>): string {
  const slash = command.name.lastIndexOf('/');
  return slash === -1 ? command.name : command.name.slice(slash + 1);
}
