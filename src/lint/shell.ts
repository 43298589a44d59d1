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
/**
 * Nodes that cannot hold a command: the walk does not descend into them. Most of a script's nodes
 * are such words, and every step into a node costs a trip into WebAssembly.
 */
const LEAF_TYPES = new Set([
  'word',
  'raw_string',
  'string_content',
  'ansi_c_string',
  'variable_name',
  'special_variable_name',
  'simple_expansion',
  'file_descriptor',
  'comment',
  'heredoc_start',
  'heredoc_end',
  'heredoc_content',
  'test_operator',
]);
/** tree-sitter's symbol for ERROR nodes, which has no entry in the grammar's type table. */
const ERROR_SYMBOL = 0xffff;

/**
 * Node type names and named-ness by grammar symbol, looked up once per symbol. In web-tree-sitter
 * every Node getter (`type`, `isNamed`, `endIndex`, …) copies the node into WebAssembly memory and
 * calls into it, which made walking the tree cost twice the parse; the walk now reads one symbol per
 * node and answers the rest from these tables.
 */
class NodeKinds {
  private readonly types: Array<string | undefined> = [];
  private readonly namedness: Array<boolean | undefined> = [];

  constructor(private readonly language: Language) {}

  of(node: Node): Kind {
    const id = node.typeId;
    // Not stored at index 0xffff: the tables would turn sparse, and slower, for good.
    if (id === ERROR_SYMBOL) return { node, type: 'ERROR', named: true };
    let type = this.types[id];
    if (type === undefined) {
      type = this.language.nodeTypeForId(id) ?? 'ERROR';
      this.types[id] = type;
      this.namedness[id] = this.language.nodeTypeIsNamed(id);
    }
    return { node, type, named: this.namedness[id] === true };
  }

  childrenOf(node: Node): Kind[] {
    const result: Kind[] = [];
    for (const child of node.children) if (child) result.push(this.of(child));
    return result;
  }
}

/** A node with its type and named-ness read once. */
interface Kind {
  node: Node;
  type: string;
  named: boolean;
}

function unescape(text: string): string {
  return text.replace(/\\\n|\\(.)/gs, (_whole, c: string | undefined) => c ?? '');
}

function wordValue(word: Kind, text: string, kinds: NodeKinds): string {
  switch (word.type) {
    case 'word':
      return unescape(text);
    case 'raw_string':
      return text.slice(1, -1);
    case 'string': {
      const inner = text.slice(1, -1);
      return kinds.childrenOf(word.node).every((c) => !c.named || c.type === 'string_content') ? unescape(inner) : inner;
    }
    case 'concatenation': {
      let value = '';
      for (const part of kinds.childrenOf(word.node)) {
        if (!part.named) continue;
        const start = part.node.startIndex - word.node.startIndex;
        value += wordValue(part, text.slice(start, start + part.node.endIndex - part.node.startIndex), kinds);
      }
      return value;
    }
    default:
      // $X, ${X}, $(…): kept as source text; rules treat them as opaque.
      return text;
  }
}

/** A word with its value and offsets, reading the node's end (a call into WebAssembly) once. */
function shellWord(word: Kind, source: string, kinds: NodeKinds): ShellWord {
  const start = word.node.startIndex;
  const end = word.node.endIndex;
  return { value: wordValue(word, source.slice(start, end), kinds), start, end };
}

interface Walk {
  connector: Connector;
  inSubshell: boolean;
  inPipeline: boolean;
}

/** Flattens a tree-sitter-bash tree into simple commands, in source order. */
function collectCommands(root: Node, source: string, kinds: NodeKinds): { commands: ShellCommand[]; hasPipe: boolean } {
  const commands: ShellCommand[] = [];
  let hasPipe = false;

  const emit = (node: Node, name: Kind | undefined, args: Kind[], walk: Walk): void => {
    if (!name) return;
    const nameStart = name.node.startIndex;
    const nameEnd = name.node.endIndex;
    // Error recovery can produce empty or MISSING names; they are not commands.
    if (nameStart === nameEnd || name.node.isMissing) return;
    const inner = name.type === 'command_name' ? kinds.childrenOf(name.node).find((k) => k.named) : undefined;
    commands.push({
      name: (inner ? shellWord(inner, source, kinds) : shellWord(name, source, kinds)).value,
      nameStart,
      nameEnd,
      args: args.map((a) => shellWord(a, source, kinds)),
      start: node.startIndex,
      end: node.endIndex,
      // Written out, not spread: every command has one shape, and rules read these a lot.
      connector: walk.connector,
      inSubshell: walk.inSubshell,
      inPipeline: walk.inPipeline,
    });
  };

  const visit = (at: Kind, walk: Walk): void => {
    const { node, type } = at;
    if (LEAF_TYPES.has(type)) return;
    const kids = kinds.childrenOf(node);
    let connector = walk.connector;
    switch (type) {
      case 'command': {
        const name = node.childForFieldName('name');
        const args: Kind[] = [];
        for (const arg of node.childrenForFieldName('argument')) if (arg) args.push(kinds.of(arg));
        emit(node, name ? kinds.of(name) : undefined, args, walk);
        connector = undefined;
        break;
      }
      case 'declaration_command':
      case 'unset_command':
        emit(node, kids[0], kids.slice(1).filter((k) => k.named), walk);
        return;
      case 'list': {
        // tree-sitter nests `a && b && c` to the left; walk that spine in a loop, not by recursion,
        // so a RUN with thousands of chained commands cannot overflow the stack.
        const rights: Kind[][] = [];
        let leftmost: Kind | undefined = at;
        let parts = kids;
        while (leftmost?.type === 'list') {
          rights.push(parts.slice(1));
          leftmost = parts[0];
          if (leftmost?.type === 'list') parts = kinds.childrenOf(leftmost.node);
        }
        if (leftmost?.named) visit(leftmost, { connector, inSubshell: walk.inSubshell, inPipeline: walk.inPipeline });
        for (let i = rights.length - 1; i >= 0; i--) {
          for (const k of rights[i] ?? []) {
            if (k.type === '&&' || k.type === '||') connector = k.type;
            else if (k.named) visit(k, { connector, inSubshell: walk.inSubshell, inPipeline: walk.inPipeline });
          }
        }
        return;
      }
      case 'pipeline':
        hasPipe = true;
        for (const k of kids) {
          if (!k.named) continue;
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
            for (const p of kinds.childrenOf(k.node)) if (p.named) visit(p, { connector: '|', inSubshell: walk.inSubshell, inPipeline: true });
          } else if (connector && k.named) {
            visit(k, { connector, inSubshell: walk.inSubshell, inPipeline: walk.inPipeline });
            connector = undefined;
          }
        }
        return;
      default:
        break;
    }
    // Inside a command only substitutions hold further commands, and they run in a subshell.
    const inSubshell = walk.inSubshell || SUBSHELL_TYPES.has(type) || type === 'command';
    for (const k of kids) {
      if (k.type === ';' || k.type === '&' || k.type === ';;') {
        connector = ';';
        continue;
      }
      if (!k.named || k.type === 'command_name') continue;
      const before = commands.length;
      visit(k, { connector, inSubshell, inPipeline: walk.inPipeline });
      if (commands.length > before) connector = ';';
    }
  };

  visit(kinds.of(root), { connector: undefined, inSubshell: false, inPipeline: false });
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

  private readonly kinds: NodeKinds;

  private constructor(
    private readonly parser: Parser,
    language: Language,
    private readonly cacheSize: number,
  ) {
    this.kinds = new NodeKinds(language);
  }

  /** Loads the WebAssembly runtime and the bash grammar. Call once; `parse` is synchronous after. */
  static async create(cacheSize = 4096): Promise<ShellParser> {
    await Parser.init({ locateFile: (name: string) => locateWasm(name, 'web-tree-sitter') });
    const bash = await Language.load(locateWasm('tree-sitter-bash.wasm', 'tree-sitter-bash'));
    const parser = new Parser();
    parser.setLanguage(bash);
    return new ShellParser(parser, bash, cacheSize);
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
        const { commands, hasPipe } = collectCommands(tree.rootNode, source, this.kinds);
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
