/**
 * Decides which container engine Berth talks to, following the same precedence as the docker
 * CLI so that Berth and a terminal next to it agree on "the" engine:
 *
 *   1. the `berth.engine.host` setting
 *   2. `DOCKER_HOST` (+ `DOCKER_TLS_VERIFY`, `DOCKER_CERT_PATH`)
 *   3. the Docker context (`DOCKER_CONTEXT`, else `currentContext` in config.json)
 *   4. well-known local sockets (Docker, rootless Docker, Docker Desktop, Podman)
 *
 * Everything that touches the machine (env, files, the home directory) is injected, so this
 * module can be unit-tested against an in-memory filesystem and reused by code that must not
 * block on I/O of its own. Failures are returned as data, never thrown: the UI has to be able
 * to say *why* it cannot connect (and to which address), and a throw loses that context.
 */
import { createHash } from 'node:crypto';
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { Socket } from 'node:net';
import * as nodePath from 'node:path';

export interface ConnectionInput {
  /** Raw value of `berth.engine.host`; empty or whitespace means "not set". */
  settingHost?: string;
  env: Readonly<Record<string, string | undefined>>;
  home: string;
  platform: NodeJS.Platform;
  /** Returns the file's text, or undefined when it is missing or unreadable. */
  readFile(path: string): string | undefined;
  exists(path: string): boolean;
}

export interface TlsOptions {
  /** Whether the server certificate is checked; false only when the user asked for it. */
  verify: boolean;
  caPath?: string;
  certPath?: string;
  keyPath?: string;
}

export type EngineEndpoint =
  | { kind: 'unix'; socketPath: string }
  | { kind: 'npipe'; pipePath: string }
  | { kind: 'tcp'; host: string; port: number; tls?: TlsOptions }
  | { kind: 'ssh'; host: string; port: number; username?: string };

export type ConnectionSource = 'setting' | 'DOCKER_HOST' | 'context' | 'default';

export interface ResolvedConnection {
  ok: true;
  endpoint: EngineEndpoint;
  /** Normalized, display-ready form, e.g. `unix:///var/run/docker.sock`. */
  address: string;
  source: ConnectionSource;
  contextName?: string;
  /** Set for unix sockets and named pipes only: whether the path was present when resolving. */
  exists?: boolean;
  /** Set for `source: 'default'`: the addresses probed, in order, up to the one chosen. */
  tried?: string[];
  /** Things the user may want to know about but that did not stop resolution. */
  warnings?: string[];
}

export type ConnectionErrorReason = 'context-not-found' | 'context-invalid' | 'bad-address';

export interface ConnectionError {
  ok: false;
  reason: ConnectionErrorReason;
  /** A full English sentence suitable for a log line or the detail of an error message. */
  detail: string;
  source: ConnectionSource;
  contextName?: string;
  /** The offending raw address, when `reason` is `bad-address`. */
  address?: string;
  addressError?: AddressErrorCode;
}

export type ConnectionResolution = ResolvedConnection | ConnectionError;

export type AddressErrorCode =
  | 'empty'
  | 'unknown-scheme'
  | 'missing-host'
  | 'bad-host'
  | 'bad-port'
  | 'missing-path'
  | 'bad-path'
  | 'unexpected-path'
  | 'unexpected-userinfo';

export interface ParsedAddress {
  ok: true;
  endpoint: EngineEndpoint;
  address: string;
}

export interface AddressError {
  ok: false;
  code: AddressErrorCode;
  detail: string;
  input: string;
}

export type AddressParseResult = ParsedAddress | AddressError;

export interface ParseAddressOptions {
  /** TLS will be used, so a tcp address without a port means 2376 rather than 2375. */
  tls?: boolean;
}

const PLAIN_PORT = 2375;
const TLS_PORT = 2376;
const SSH_PORT = 22;
const DEFAULT_UNIX_SOCKET = '/var/run/docker.sock';
const DEFAULT_PIPE = '//./pipe/docker_engine';
const SETTING_NAME = 'berth.engine.host';

// ---------------------------------------------------------------------------------------------
// Address parsing
// ---------------------------------------------------------------------------------------------

const SCHEME_RE = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/(.*)$/s;
const HOSTNAME_RE = /^[A-Za-z0-9._-]+$/;
const IPV6_RE = /^[0-9A-Fa-f:.]+(%[A-Za-z0-9._-]+)?$/;

/**
 * Parses one engine address. Accepted forms: `unix:///path`, a bare absolute path (unix),
 * `npipe:////./pipe/name`, `tcp://host[:port]`, `http://…`, `https://…`,
 * `ssh://[user@]host[:port]`, and a scheme-less `host[:port]` (tcp, as `docker -H` does).
 * `https://` yields `tls: { verify: true }`; for the other tcp forms TLS is the caller's call.
 */
export function parseEngineAddress(address: string, options: ParseAddressOptions = {}): AddressParseResult {
  const input = address.trim();
  if (input === '') {
    return addressError('empty', 'The address is empty.', address);
  }
  if (input.startsWith('/')) {
    return parseUnix(input, address);
  }
  const match = SCHEME_RE.exec(input);
  if (!match) {
    if (input.includes('://')) {
      return addressError('unknown-scheme', `"${input}" does not start with a valid scheme.`, address);
    }
    return parseTcp('tcp', input, options, address);
  }
  const scheme = (match[1] ?? '').toLowerCase();
  const rest = match[2] ?? '';
  switch (scheme) {
    case 'unix':
      return parseUnix(rest, address);
    case 'npipe':
      return parseNpipe(rest, address);
    case 'tcp':
    case 'http':
    case 'https':
      return parseTcp(scheme, rest, options, address);
    case 'ssh':
      return parseSsh(rest, address);
    default:
      return addressError(
        'unknown-scheme',
        `Unsupported scheme "${scheme}://" in "${input}"; use unix://, npipe://, tcp://, http://, https:// or ssh://.`,
        address,
      );
  }
}

function addressError(code: AddressErrorCode, detail: string, input: string): AddressError {
  return { ok: false, code, detail, input };
}

function parseUnix(path: string, input: string): AddressParseResult {
  if (path === '') {
    return addressError('missing-path', `"${input.trim()}" has no socket path.`, input);
  }
  if (!path.startsWith('/')) {
    // A relative socket path would depend on the extension host's working directory.
    return addressError('bad-path', `The socket path in "${input.trim()}" must be absolute.`, input);
  }
  return { ok: true, endpoint: { kind: 'unix', socketPath: path }, address: `unix://${path}` };
}

function parseNpipe(path: string, input: string): AddressParseResult {
  if (path === '') {
    return addressError('missing-path', `"${input.trim()}" has no pipe path.`, input);
  }
  if (!path.startsWith('//') && !path.startsWith('\\\\')) {
    return addressError('bad-path', `The pipe path in "${input.trim()}" must look like //./pipe/name.`, input);
  }
  return { ok: true, endpoint: { kind: 'npipe', pipePath: path }, address: `npipe://${path}` };
}

interface Authority {
  userinfo?: string;
  host: string;
  port?: number;
}

/** Splits `[userinfo@]host[:port][/]`; anything after the authority other than `/` is refused. */
function parseAuthority(rest: string, input: string): Authority | AddressError {
  const cut = rest.search(/[/?#]/);
  const authority = cut < 0 ? rest : rest.slice(0, cut);
  const tail = cut < 0 ? '' : rest.slice(cut);
  if (tail !== '' && tail !== '/') {
    return addressError('unexpected-path', `"${input.trim()}" has an unexpected path "${tail}" after the host.`, input);
  }
  const at = authority.lastIndexOf('@');
  const userinfo = at < 0 ? undefined : authority.slice(0, at);
  const hostPort = at < 0 ? authority : authority.slice(at + 1);

  let host: string;
  let portText: string | undefined;
  if (hostPort.startsWith('[')) {
    const close = hostPort.indexOf(']');
    if (close < 0) {
      return addressError('bad-host', `"${input.trim()}" has an unterminated IPv6 address.`, input);
    }
    host = hostPort.slice(1, close);
    const after = hostPort.slice(close + 1);
    if (after.startsWith(':')) {
      portText = after.slice(1);
    } else if (after !== '') {
      return addressError('bad-host', `"${input.trim()}" has unexpected text after the IPv6 address.`, input);
    }
    if (host === '') {
      return addressError('missing-host', `"${input.trim()}" has no host.`, input);
    }
    if (!host.includes(':') || !IPV6_RE.test(host)) {
      return addressError('bad-host', `"${host}" in "${input.trim()}" is not a valid IPv6 address.`, input);
    }
  } else {
    const colons = hostPort.split(':').length - 1;
    if (colons > 1) {
      return addressError(
        'bad-host',
        `"${input.trim()}" looks like an IPv6 address without brackets; write it as [address]:port.`,
        input,
      );
    }
    const colon = hostPort.indexOf(':');
    host = colon < 0 ? hostPort : hostPort.slice(0, colon);
    portText = colon < 0 ? undefined : hostPort.slice(colon + 1);
    if (host === '') {
      return addressError('missing-host', `"${input.trim()}" has no host.`, input);
    }
    if (!HOSTNAME_RE.test(host)) {
      return addressError('bad-host', `"${host}" in "${input.trim()}" is not a valid host name.`, input);
    }
  }

  let port: number | undefined;
  if (portText !== undefined) {
    port = /^\d{1,5}$/.test(portText) ? Number(portText) : NaN;
    if (!(port >= 1 && port <= 65535)) {
      return addressError('bad-port', `"${portText}" in "${input.trim()}" is not a valid port (1-65535).`, input);
    }
  }
  return { userinfo, host, port };
}

function isAddressError(value: Authority | AddressError): value is AddressError {
  return 'ok' in value;
}

function hostForDisplay(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

function parseTcp(scheme: string, rest: string, options: ParseAddressOptions, input: string): AddressParseResult {
  const authority = parseAuthority(rest, input);
  if (isAddressError(authority)) {
    return authority;
  }
  if (authority.userinfo !== undefined) {
    // The engine API has no use for credentials in the URL, and echoing them in logs would leak them.
    return addressError('unexpected-userinfo', `"${scheme}://" addresses cannot carry a user name or password.`, input);
  }
  const https = scheme === 'https';
  const port = authority.port ?? (https || (scheme === 'tcp' && options.tls) ? TLS_PORT : PLAIN_PORT);
  const endpoint: EngineEndpoint = https
    ? { kind: 'tcp', host: authority.host, port, tls: { verify: true } }
    : { kind: 'tcp', host: authority.host, port };
  return { ok: true, endpoint, address: `${scheme}://${hostForDisplay(authority.host)}:${port}` };
}

function parseSsh(rest: string, input: string): AddressParseResult {
  const authority = parseAuthority(rest, input);
  if (isAddressError(authority)) {
    return authority;
  }
  const { userinfo } = authority;
  if (userinfo !== undefined && (userinfo === '' || userinfo.includes(':'))) {
    // Like the docker CLI: passwords in settings/env are a leak waiting to happen; use keys/agent.
    return addressError(
      'unexpected-userinfo',
      `"${input.trim()}" must be ssh://[user@]host[:port]; passwords are not supported, use an SSH agent or key.`,
      input,
    );
  }
  const port = authority.port ?? SSH_PORT;
  const endpoint: EngineEndpoint =
    userinfo === undefined
      ? { kind: 'ssh', host: authority.host, port }
      : { kind: 'ssh', host: authority.host, port, username: userinfo };
  const user = userinfo === undefined ? '' : `${userinfo}@`;
  return { ok: true, endpoint, address: `ssh://${user}${hostForDisplay(authority.host)}:${port}` };
}

// ---------------------------------------------------------------------------------------------
// Resolution
// ---------------------------------------------------------------------------------------------

function nonBlank(value: string | undefined): string | undefined {
  if (value === undefined) {
    return undefined;
  }
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}

function pathApi(platform: NodeJS.Platform): nodePath.PlatformPath {
  // Pick by the *input* platform, not the running one, so Windows paths are testable on Linux.
  return platform === 'win32' ? nodePath.win32 : nodePath.posix;
}

/** `$DOCKER_CONFIG`, else `<home>/.docker` — the same lookup the docker CLI performs. */
export function resolveDockerConfigDir(input: Pick<ConnectionInput, 'env' | 'home' | 'platform'>): string {
  return nonBlank(input.env.DOCKER_CONFIG) ?? pathApi(input.platform).join(input.home, '.docker');
}

/** The docker CLI stores each context under the hex SHA-256 of its name. */
export function contextDirName(contextName: string): string {
  return createHash('sha256').update(contextName, 'utf8').digest('hex');
}

export function resolveConnection(input: ConnectionInput): ConnectionResolution {
  const configDir = resolveDockerConfigDir(input);

  const setting = nonBlank(input.settingHost);
  if (setting !== undefined) {
    return fromExplicitAddress(setting, 'setting', input, configDir, []);
  }

  const dockerHost = nonBlank(input.env.DOCKER_HOST);
  if (dockerHost !== undefined) {
    const warnings: string[] = [];
    const shadowed = nonBlank(input.env.DOCKER_CONTEXT);
    if (shadowed !== undefined && shadowed !== 'default') {
      warnings.push(`DOCKER_CONTEXT "${shadowed}" is ignored because DOCKER_HOST is set.`);
    }
    return fromExplicitAddress(dockerHost, 'DOCKER_HOST', input, configDir, warnings);
  }

  const warnings: string[] = [];
  const selected = selectContext(input, configDir, warnings);
  if (selected !== undefined && selected.name !== 'default') {
    return withWarnings(fromContext(selected.name, selected.selectedBy, input, configDir), warnings);
  }

  return withWarnings(fromDefaultSockets(input), warnings);
}

function withWarnings(result: ConnectionResolution, warnings: string[]): ConnectionResolution {
  if (result.ok && warnings.length > 0) {
    return { ...result, warnings: [...(result.warnings ?? []), ...warnings] };
  }
  return result;
}

function badAddress(
  parsed: AddressError,
  source: ConnectionSource,
  where: string,
  contextName?: string,
): ConnectionError {
  const error: ConnectionError = {
    ok: false,
    reason: 'bad-address',
    detail: `The engine address from ${where} is invalid: ${parsed.detail}`,
    source,
    address: parsed.input,
    addressError: parsed.code,
  };
  if (contextName !== undefined) {
    error.contextName = contextName;
  }
  return error;
}

/** Paths of ca.pem / cert.pem / key.pem in `dir`, keeping only the files that exist. */
function tlsMaterial(dir: string, input: ConnectionInput): Omit<TlsOptions, 'verify'> {
  const path = pathApi(input.platform);
  const material: Omit<TlsOptions, 'verify'> = {};
  const ca = path.join(dir, 'ca.pem');
  const cert = path.join(dir, 'cert.pem');
  const key = path.join(dir, 'key.pem');
  if (input.exists(ca)) material.caPath = ca;
  if (input.exists(cert)) material.certPath = cert;
  if (input.exists(key)) material.keyPath = key;
  return material;
}

function localPresence(endpoint: EngineEndpoint, input: ConnectionInput): { exists?: boolean } {
  if (endpoint.kind === 'unix') return { exists: input.exists(endpoint.socketPath) };
  if (endpoint.kind === 'npipe') return { exists: input.exists(endpoint.pipePath) };
  return {};
}

/**
 * The setting and DOCKER_HOST both honour DOCKER_TLS_VERIFY / DOCKER_CERT_PATH, because that is
 * what `docker -H` does and it is the only way to give the setting client certificates.
 */
function fromExplicitAddress(
  raw: string,
  source: 'setting' | 'DOCKER_HOST',
  input: ConnectionInput,
  configDir: string,
  warnings: string[],
): ConnectionResolution {
  const verifyValue = nonBlank(input.env.DOCKER_TLS_VERIFY);
  const tlsVerify = verifyValue !== undefined && verifyValue !== '0';
  const parsed = parseEngineAddress(raw, { tls: tlsVerify });
  if (!parsed.ok) {
    return badAddress(parsed, source, source === 'setting' ? `the ${SETTING_NAME} setting` : 'DOCKER_HOST');
  }
  let endpoint = parsed.endpoint;
  if (endpoint.kind === 'tcp') {
    const httpsScheme = endpoint.tls !== undefined;
    if (tlsVerify || httpsScheme) {
      // https:// asks for TLS by itself; only an explicit DOCKER_TLS_VERIFY=0 turns checking off.
      const verify = tlsVerify || verifyValue !== '0';
      const certDir = nonBlank(input.env.DOCKER_CERT_PATH) ?? configDir;
      endpoint = { ...endpoint, tls: { verify, ...tlsMaterial(certDir, input) } };
    }
  }
  const result: ResolvedConnection = {
    ok: true,
    endpoint,
    address: parsed.address,
    source,
    ...localPresence(endpoint, input),
  };
  if (warnings.length > 0) {
    result.warnings = warnings;
  }
  return result;
}

interface SelectedContext {
  name: string;
  selectedBy: 'DOCKER_CONTEXT' | 'config.json';
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function selectContext(input: ConnectionInput, configDir: string, warnings: string[]): SelectedContext | undefined {
  const fromEnv = nonBlank(input.env.DOCKER_CONTEXT);
  if (fromEnv !== undefined) {
    return { name: fromEnv, selectedBy: 'DOCKER_CONTEXT' };
  }
  const configPath = pathApi(input.platform).join(configDir, 'config.json');
  const text = input.readFile(configPath);
  if (text === undefined) {
    return undefined;
  }
  const config = parseJson(text);
  if (!isRecord(config)) {
    // config.json mostly holds registry auth; a broken one should not cut the user off the
    // local engine, but they should be able to find out why their context was not used.
    warnings.push(`${configPath} is not valid JSON; its currentContext (if any) was ignored.`);
    return undefined;
  }
  const current = config.currentContext;
  if (current === undefined) {
    return undefined;
  }
  if (typeof current !== 'string') {
    warnings.push(`currentContext in ${configPath} is not a string and was ignored.`);
    return undefined;
  }
  const name = nonBlank(current);
  return name === undefined ? undefined : { name, selectedBy: 'config.json' };
}

function fromContext(
  name: string,
  selectedBy: SelectedContext['selectedBy'],
  input: ConnectionInput,
  configDir: string,
): ConnectionResolution {
  const path = pathApi(input.platform);
  const hash = contextDirName(name);
  const metaPath = path.join(configDir, 'contexts', 'meta', hash, 'meta.json');
  const origin = selectedBy === 'DOCKER_CONTEXT' ? 'DOCKER_CONTEXT' : `currentContext in ${path.join(configDir, 'config.json')}`;
  const failure = (reason: ConnectionErrorReason, why: string): ConnectionError => ({
    ok: false,
    reason,
    detail: `Docker context "${name}" (from ${origin}) ${why}`,
    source: 'context',
    contextName: name,
  });

  const text = input.readFile(metaPath);
  if (text === undefined) {
    return failure('context-not-found', `was not found: ${metaPath} does not exist or cannot be read.`);
  }
  const meta = parseJson(text);
  if (!isRecord(meta)) {
    return failure('context-invalid', `cannot be used: ${metaPath} is not a valid JSON object.`);
  }
  const endpoints = meta.Endpoints;
  const docker = isRecord(endpoints) ? endpoints.docker : undefined;
  const host = isRecord(docker) && typeof docker.Host === 'string' ? nonBlank(docker.Host) : undefined;
  if (!isRecord(docker) || host === undefined) {
    return failure('context-invalid', `cannot be used: ${metaPath} has no Endpoints.docker.Host.`);
  }

  // Mirrors the CLI: a context uses TLS when it has TLS files or asks to skip verification.
  const skipVerify = docker.SkipTLSVerify === true;
  const material = tlsMaterial(path.join(configDir, 'contexts', 'tls', hash, 'docker'), input);
  const hasMaterial = Object.keys(material).length > 0;
  const parsed = parseEngineAddress(host, { tls: hasMaterial || skipVerify });
  if (!parsed.ok) {
    return badAddress(parsed, 'context', `Docker context "${name}"`, name);
  }
  let endpoint = parsed.endpoint;
  if (endpoint.kind === 'tcp' && (hasMaterial || skipVerify || endpoint.tls !== undefined)) {
    endpoint = { ...endpoint, tls: { verify: !skipVerify, ...material } };
  }
  return {
    ok: true,
    endpoint,
    address: parsed.address,
    source: 'context',
    contextName: name,
    ...localPresence(endpoint, input),
  };
}

interface Candidate {
  endpoint: EngineEndpoint;
  address: string;
  path: string;
}

function defaultCandidates(input: ConnectionInput): Candidate[] {
  if (input.platform === 'win32') {
    return [{ endpoint: { kind: 'npipe', pipePath: DEFAULT_PIPE }, address: `npipe://${DEFAULT_PIPE}`, path: DEFAULT_PIPE }];
  }
  const path = nodePath.posix;
  const runtimeDir = nonBlank(input.env.XDG_RUNTIME_DIR);
  const home = nonBlank(input.home);
  const paths = [
    DEFAULT_UNIX_SOCKET, // system-wide Docker Engine
    runtimeDir && path.join(runtimeDir, 'docker.sock'), // rootless Docker
    home && path.join(home, '.docker', 'run', 'docker.sock'), // Docker Desktop 4.18+
    runtimeDir && path.join(runtimeDir, 'podman', 'podman.sock'), // rootless Podman
    '/run/podman/podman.sock', // rootful Podman
  ];
  return paths
    .filter((p): p is string => p !== undefined)
    .map((p) => ({ endpoint: { kind: 'unix', socketPath: p }, address: `unix://${p}`, path: p }));
}

function fromDefaultSockets(input: ConnectionInput): ResolvedConnection {
  const candidates = defaultCandidates(input);
  const tried: string[] = [];
  for (const candidate of candidates) {
    tried.push(candidate.address);
    if (input.exists(candidate.path)) {
      return { ok: true, endpoint: candidate.endpoint, address: candidate.address, source: 'default', exists: true, tried };
    }
  }
  // Nothing is there: still name the conventional address, so connecting produces the familiar
  // "is the daemon running?" error, and let the UI list everything that was probed.
  const first = candidates[0] as Candidate; // there is always at least one candidate
  return { ok: true, endpoint: first.endpoint, address: first.address, source: 'default', exists: false, tried };
}

/** Short English for log lines: `setting berth.engine.host`, `DOCKER_HOST`, `context "remote"`, `default socket`. */
export function describeSource(r: { source: ConnectionSource; contextName?: string }): string {
  switch (r.source) {
    case 'setting':
      return `setting ${SETTING_NAME}`;
    case 'DOCKER_HOST':
      return 'DOCKER_HOST';
    case 'context':
      return r.contextName === undefined ? 'context' : `context "${r.contextName}"`;
    case 'default':
      return 'default socket';
  }
}

// ---------------------------------------------------------------------------------------------
// docker-modem options
// ---------------------------------------------------------------------------------------------

/**
 * docker-modem merges our options *over* defaults it derives from process.env (DOCKER_HOST,
 * DOCKER_CERT_PATH, ...). Any connection key we leave out can therefore leak in from the env —
 * e.g. a tcp `host` from DOCKER_HOST silently wins over our `socketPath` when the setting points
 * at a socket. Setting every such key (to undefined if unused) makes the endpoint authoritative.
 */
/** How often an idle SSH connection to the engine is checked (three missed answers end it). */
const SSH_KEEPALIVE_MS = 15_000;

/**
 * How long a tcp:// connection may be idle before the system starts TCP keepalive probes. Node sets
 * only this delay; the probe interval and count are the system's (on Linux about 11 minutes more).
 */
const TCP_KEEPALIVE_MS = 15_000;

/**
 * The agent's new sockets send TCP keepalives, so an engine host that vanishes without closing the
 * connection (sleep, a dropped VPN) ends the long streams in the end. No pooling: each request
 * still has its own connection, as without an agent.
 */
function withTcpKeepAlive<A extends HttpAgent>(agent: A): A {
  const create = agent.createConnection.bind(agent);
  agent.createConnection = (options, callback) => {
    const socket = create(options, callback);
    if (socket instanceof Socket) socket.setKeepAlive(true, TCP_KEEPALIVE_MS);
    return socket;
  };
  return agent;
}

const NEUTRAL_MODEM_KEYS: Readonly<Record<string, undefined>> = {
  socketPath: undefined,
  host: undefined,
  port: undefined,
  username: undefined,
  ca: undefined,
  cert: undefined,
  key: undefined,
  // docker-modem reads DOCKER_CLIENT_TIMEOUT into a per-request socket timeout, which would cut
  // quiet event and log streams: Berth times its calls itself.
  timeout: undefined,
};

/**
 * Maps an endpoint to dockerode / docker-modem constructor options. Certificate files are read
 * with the injected `readFile`; ones that cannot be read are left out.
 */
export function toModemOptions(
  endpoint: EngineEndpoint,
  readFile: (path: string) => string | undefined,
  env: Readonly<Record<string, string | undefined>>,
): Record<string, unknown> {
  switch (endpoint.kind) {
    case 'unix':
      // protocol must be pinned: an env-derived 'ssh' would route even socket calls through ssh2.
      return { ...NEUTRAL_MODEM_KEYS, socketPath: endpoint.socketPath, protocol: 'http' };
    case 'npipe':
      return { ...NEUTRAL_MODEM_KEYS, socketPath: endpoint.pipePath, protocol: 'http' };
    case 'tcp': {
      const options: Record<string, unknown> = {
        ...NEUTRAL_MODEM_KEYS,
        host: endpoint.host,
        port: endpoint.port,
        protocol: endpoint.tls ? 'https' : 'http',
        agent: withTcpKeepAlive(new HttpAgent()),
      };
      const tls = endpoint.tls;
      if (tls) {
        // Without TLS options of its own, the agent lets docker-modem's per-request ca/cert/key apply.
        options.agent = withTcpKeepAlive(new HttpsAgent());
        const ca = tls.caPath === undefined ? undefined : readFile(tls.caPath);
        const cert = tls.certPath === undefined ? undefined : readFile(tls.certPath);
        const key = tls.keyPath === undefined ? undefined : readFile(tls.keyPath);
        if (ca !== undefined) options.ca = ca;
        // Node refuses a certificate without its key (and vice versa), so pass both or neither.
        if (cert !== undefined && key !== undefined) {
          options.cert = cert;
          options.key = key;
        }
        if (!tls.verify) {
          // docker-modem forwards no rejectUnauthorized, only `agent`; the agent's own TLS
          // options take precedence over per-request ones in Node, so this is where it must go.
          options.agent = withTcpKeepAlive(new HttpsAgent({ rejectUnauthorized: false }));
        }
      }
      return options;
    }
    case 'ssh': {
      // ssh2 needs a user name; `ssh` itself would default to the local one, so do the same.
      const username = endpoint.username ?? nonBlank(env.USER) ?? nonBlank(env.USERNAME);
      const agent = nonBlank(env.SSH_AUTH_SOCK);
      return {
        ...NEUTRAL_MODEM_KEYS,
        host: endpoint.host,
        port: endpoint.port,
        protocol: 'ssh',
        username,
        // A host that vanishes without closing the connection (sleep, a dropped VPN) must end the
        // long streams (events, logs, stats), so the views notice and reconnect.
        sshOptions: { ...(agent === undefined ? {} : { agent }), keepaliveInterval: SSH_KEEPALIVE_MS, keepaliveCountMax: 3 },
      };
    }
  }
}
