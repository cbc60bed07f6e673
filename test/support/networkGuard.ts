import net from "node:net";

/**
 * Fails tests that open a network connection to anything but this machine. Every TCP and TLS
 * connection in the test process (fetch, SMTP, mysql2, tls.connect) goes through
 * `net.Socket.prototype.connect`; the guard wraps it, throws synchronously for a host that is
 * not loopback (before any packet leaves) and remembers the attempt, so a test whose code under
 * test swallows the error still fails in the root `afterEach` (test/setup.mts).
 *
 * Allowed: 127.0.0.0/8, ::1 (and ::ffff:127.x), `localhost`, no host (Node's default is
 * localhost), unix sockets, and the host of TEST_MYSQL_URL (the MariaDB suite's server).
 * Child processes (the CLI and restart tests) are not covered.
 */
export class NetworkGuardError extends Error {
  constructor(readonly host: string) {
    super(`test made a network connection to ${host}, which is not loopback; tests may only reach 127.0.0.1/::1`);
    this.name = "NetworkGuardError";
  }
}

const allowedHosts = new Set<string>(["localhost"]);
const violations: string[] = [];
let installed = false;

/** True for loopback addresses and the names allowed above. */
export function isAllowedHost(host: string): boolean {
  const h = host
    .trim()
    .toLowerCase()
    .replace(/^\[|\]$/g, "");
  if (allowedHosts.has(h) || h.endsWith(".localhost")) return true;
  if (net.isIPv4(h)) return h.startsWith("127.");
  if (net.isIPv6(h)) return h === "::1" || /^::ffff:127\./.test(h);
  return false;
}

/** Lets the test process reach `host` too (the database server of the MariaDB run). */
export function allowHost(host: string): void {
  allowedHosts.add(host.toLowerCase());
}

/** The hosts refused since the last call, and forgets them. */
export function takeViolations(): string[] {
  return violations.splice(0, violations.length);
}

interface ConnectTarget {
  host?: string;
  path?: string;
}

/** The host (or unix path) that `Socket.prototype.connect` was called with, in any of its forms. */
function targetOf(args: unknown[]): ConnectTarget {
  let first = args[0];
  // net.connect() and tls.connect() pass their normalised [options, callback] array.
  if (Array.isArray(first)) first = first[0];
  if (first !== null && typeof first === "object") {
    const o = first as { host?: unknown; path?: unknown };
    return {
      host: typeof o.host === "string" ? o.host : undefined,
      path: typeof o.path === "string" ? o.path : undefined,
    };
  }
  if (typeof first === "string" && !/^\d+$/.test(first)) return { path: first };
  return { host: typeof args[1] === "string" ? args[1] : undefined };
}

/** Wraps `net.Socket.prototype.connect` once per process. */
export function installNetworkGuard(): void {
  if (installed) return;
  installed = true;
  const connect = net.Socket.prototype.connect;
  net.Socket.prototype.connect = function guardedConnect(this: net.Socket, ...args: unknown[]) {
    const target = targetOf(args);
    if (target.path === undefined && target.host !== undefined && !isAllowedHost(target.host)) {
      violations.push(target.host);
      throw new NetworkGuardError(target.host);
    }
    return (connect as (...a: unknown[]) => net.Socket).apply(this, args);
  } as typeof connect;
}
