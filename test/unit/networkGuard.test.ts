import net from "node:net";
import tls from "node:tls";
import type { AddressInfo } from "node:net";
import { expect } from "chai";
import { NetworkGuardError, isAllowedHost, takeViolations } from "../support/networkGuard.js";

// 192.0.2.1 is TEST-NET-1 (RFC 5737): never routed, so nothing could answer even if a packet left.
const OFF_LOOPBACK = "192.0.2.1";

describe("network guard (test setup)", () => {
  afterEach(() => {
    // The attempts below are deliberate; the root hook would otherwise fail this test for them.
    takeViolations();
  });

  it("refuses net.connect to an address off loopback, synchronously, naming the host", () => {
    expect(() => net.connect({ host: OFF_LOOPBACK, port: 25 }))
      .to.throw(NetworkGuardError)
      .with.property("message")
      .that.contains(OFF_LOOPBACK);
    expect(() => net.connect(25, OFF_LOOPBACK)).to.throw(NetworkGuardError);
    expect(() => new net.Socket().connect(25, OFF_LOOPBACK)).to.throw(NetworkGuardError);
    expect(takeViolations()).to.deep.equal([OFF_LOOPBACK, OFF_LOOPBACK, OFF_LOOPBACK]);
  });

  it("refuses tls.connect and fetch to such an address too", async () => {
    expect(() => tls.connect({ host: OFF_LOOPBACK, port: 443 })).to.throw(NetworkGuardError);
    const err = await fetch(`http://${OFF_LOOPBACK}/`).then(
      () => null,
      (e: Error) => e,
    );
    expect(err?.cause).to.be.instanceOf(NetworkGuardError);
    expect(takeViolations()).to.include(OFF_LOOPBACK);
  });

  it("lets connections to loopback through", async () => {
    const server = net.createServer((s) => s.end("hi"));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const { port } = server.address() as AddressInfo;
      for (const host of ["127.0.0.1", "localhost"]) {
        const reply = await new Promise<string>((resolve, reject) => {
          const socket = net.connect({ host, port });
          let data = "";
          socket.on("data", (d) => (data += d));
          socket.on("end", () => resolve(data));
          socket.on("error", reject);
        });
        expect(reply).to.equal("hi");
      }
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
    expect(takeViolations()).to.deep.equal([]);
  });

  it("knows loopback from everything else", () => {
    for (const host of ["127.0.0.1", "127.8.9.10", "::1", "[::1]", "::ffff:127.0.0.1", "localhost", "LOCALHOST"])
      expect(isAllowedHost(host), host).to.equal(true);
    for (const host of ["192.0.2.1", "10.0.0.1", "0.0.0.0", "::", "example.com", "kuvert.test", "128.0.0.1"])
      expect(isAllowedHost(host), host).to.equal(false);
  });
});
