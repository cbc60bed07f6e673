import net from "node:net";

export interface TcpRelay {
  port: number;
  /** Stops relaying in both directions: conversations through it stall (a hung peer). */
  hang(): void;
  /** Relays again. */
  resume(): void;
  close(): Promise<void>;
}

/**
 * A TCP relay on loopback in front of `targetPort`. While hung it keeps every connection open but
 * passes nothing on, so a client in the middle of an SMTP conversation waits for an answer that
 * never comes and nothing it sends reaches the server.
 */
export async function startTcpRelay(targetPort: number): Promise<TcpRelay> {
  let hanging = false;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(targetPort, "127.0.0.1");
    sockets.add(client).add(upstream);
    client.on("data", (c: Buffer) => {
      if (!hanging) upstream.write(c);
    });
    upstream.on("data", (c: Buffer) => {
      if (!hanging) client.write(c);
    });
    const end = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on("error", end).on("close", end);
    upstream.on("error", end).on("close", end);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    hang: () => {
      hanging = true;
    },
    resume: () => {
      hanging = false;
    },
    close: () =>
      new Promise<void>((resolve) => {
        sockets.forEach((s) => s.destroy());
        server.close(() => resolve());
      }),
  };
}
