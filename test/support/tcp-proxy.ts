import { createServer, connect, type Server, type Socket } from "node:net";

/**
 * A TCP proxy in front of a PostgreSQL server, for faults a real network
 * has: a connection cut right after the client sent a statement (the server
 * runs it, the reply never arrives: "lost in flight", or COMMIT's outcome
 * unknown), connections refused at accept, a server that never answers.
 * Nothing is mocked: the client speaks to the real server through it.
 */
export interface TcpProxy {
  readonly port: number;
  /** `url` with its host and port replaced by the proxy's. */
  through(url: string): string;
  /**
   * The next message from a client whose text matches `pattern` is forwarded
   * to the server, then that client's connection is cut: the server does
   * the work, the client hears nothing. Resolves when it happened.
   */
  cutAfter(pattern: RegExp): Promise<void>;
  /** The next `count` connections are closed as soon as they are accepted. */
  dropConnections(count: number): void;
  /** While on, connections are accepted and never forwarded (a server that hangs). */
  stall(on: boolean): void;
  /** New connections reach the server only after `ms` (a server still coming up, a slow network). */
  delayConnections(ms: number): void;
  /** Cuts every open connection now. */
  cutAll(): void;
  close(): Promise<void>;
}

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const open = new Set<Socket>();
  let armed: { pattern: RegExp; done: () => void } | undefined;
  let toDrop = 0;
  let stalled = false;
  let delayMs = 0;
  const server: Server = createServer((client) => {
    open.add(client);
    client.on("close", () => open.delete(client));
    client.on("error", () => {});
    if (toDrop > 0) {
      toDrop--;
      client.destroy();
      return;
    }
    if (stalled) return;
    if (delayMs > 0) {
      client.pause();
      setTimeout(() => forward(client), delayMs);
      return;
    }
    forward(client);
  });
  const forward = (client: Socket) => {
    if (client.destroyed) return;
    const upstream = connect(target.port, target.host);
    open.add(upstream);
    upstream.on("close", () => {
      open.delete(upstream);
      client.destroy();
    });
    upstream.on("error", () => client.destroy());
    client.on("close", () => setTimeout(() => upstream.destroy(), 500)); // let the server read what it was sent
    upstream.on("data", (chunk) => {
      if (!client.destroyed) client.write(chunk);
    });
    client.on("data", (chunk) => {
      upstream.write(chunk);
      const trigger = armed;
      if (trigger && trigger.pattern.test(chunk.toString("latin1"))) {
        armed = undefined;
        client.destroy();
        trigger.done();
      }
    });
    client.resume();
  };
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as { port: number }).port;
  return {
    port,
    through(url) {
      const parsed = new URL(url);
      parsed.hostname = "127.0.0.1";
      parsed.port = String(port);
      return parsed.toString();
    },
    cutAfter(pattern) {
      return new Promise<void>((resolve) => (armed = { pattern, done: resolve }));
    },
    dropConnections(count) {
      toDrop = count;
    },
    stall(on) {
      stalled = on;
    },
    delayConnections(ms) {
      delayMs = ms;
    },
    cutAll() {
      for (const socket of open) socket.destroy();
    },
    async close() {
      for (const socket of open) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A TCP port nothing listens on (bound, then closed). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
