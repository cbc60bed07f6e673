import crypto from "node:crypto";
import { expect } from "chai";
import { transaction } from "../../../backend/src/db.js";
import { createOrganisation } from "../../../backend/src/commands/createOrganisation.js";
import { moveOrganisationRegion } from "../../../backend/src/commands/moveOrganisationRegion.js";
import { Attachment } from "../../../backend/src/models/Attachment.js";
import { AuditEvent } from "../../../backend/src/models/AuditEvent.js";
import { BlobMove } from "../../../backend/src/models/BlobMove.js";
import { Organisation, type Region } from "../../../backend/src/models/Organisation.js";
import type { User } from "../../../backend/src/models/User.js";
import { buildUser } from "../../support/factories.js";
import { signIn } from "../../support/auth.js";
import type { ApiClient } from "../../support/server.js";
import { runCli } from "../../support/processes.js";
import { authHeaders, pseudoRandomBytes, sendDraft } from "../../support/attachments.js";
import { s3Credentials, startCuttableProxy, startS3, useBlobStores, type TestS3 } from "../../support/s3.js";

async function orgUser(region: Region): Promise<{ org: Organisation; user: User }> {
  const org = await transaction((t) =>
    createOrganisation(t, { name: `Kommun ${crypto.randomBytes(4).toString("hex")}`, region }),
  );
  return { org, user: await buildUser({ organisation: org }) };
}

interface Sent {
  messageId: string;
  attachmentId: string;
  data: Buffer;
}

/** A message from `api` to `to` with `count` attachments, each uploaded through the API. */
async function sendWithAttachments(api: ApiClient, to: User, count: number, seed: string): Promise<Sent[]> {
  const draft = await api.post("/api/messages/drafts", {});
  expect(draft.status, draft.text).to.equal(201);
  const sent: Sent[] = [];
  for (let i = 0; i < count; i++) {
    const data = pseudoRandomBytes(150_000 + i * 1000, `${seed}-${i}`);
    const up = await api.request<{ id: string }>(
      "POST",
      `/api/messages/${draft.body.id}/attachments`,
      new Uint8Array(data),
      { "Content-Type": "application/pdf", "X-File-Name": `bilaga-${i}.pdf` },
    );
    expect(up.status, up.text).to.equal(201);
    sent.push({ messageId: draft.body.id as string, attachmentId: up.body.id, data });
  }
  await sendDraft(api, draft.body.id as string, [to]);
  return sent;
}

async function downloads(api: ApiClient, sent: Sent[]): Promise<boolean> {
  for (const s of sent) {
    const res = await fetch(`${api.baseUrl}/api/messages/${s.messageId}/attachments/${s.attachmentId}`, {
      headers: authHeaders(api),
    });
    if (res.status !== 200) return false;
    if (!Buffer.from(await res.arrayBuffer()).equals(s.data)) return false;
  }
  return true;
}

async function keysOf(sent: Sent[]): Promise<string[]> {
  const rows = await Attachment.findAll({ where: { id: sent.map((s) => s.attachmentId) } });
  return rows.map((r) => r.blobKey).sort();
}

describe("kuvert org:move-region (S3 regions on s3rver)", function () {
  this.timeout(120_000);
  let s3: TestS3;
  let proxy: Awaited<ReturnType<typeof startCuttableProxy>>;
  let restore: () => void;

  before(async () => {
    s3 = await startS3(["kuvert-se", "kuvert-de"]);
    proxy = await startCuttableProxy(s3.endpoint);
    // Sweden direct; Germany through a proxy the test can cut, to interrupt a move halfway.
    restore = useBlobStores({ se: s3.config("kuvert-se"), de: s3.config("kuvert-de", proxy.endpoint) });
  });
  after(async () => {
    restore();
    await proxy.stop();
    await s3.stop();
  });

  it("copies, verifies, switches and deletes; an interrupted move resumes from the CLI and a re-run changes nothing", async () => {
    const { org, user: sender } = await orgUser("se");
    const { user: otherSender } = await orgUser("se");
    const recipient = await buildUser();
    const senderApi = await signIn(sender);
    const recipientApi = await signIn(recipient);
    const otherApi = await signIn(otherSender);

    const sent = [
      ...(await sendWithAttachments(senderApi, recipient, 2, "a")),
      ...(await sendWithAttachments(senderApi, recipient, 2, "b")),
    ];
    const other = await sendWithAttachments(otherApi, recipient, 1, "other");
    const original = await keysOf(sent);
    expect(original.every((k) => k.startsWith("se/"))).to.equal(true);
    const otherKeys = await keysOf(other);
    expect(await s3.keys("kuvert-se")).to.include.members([...original, ...otherKeys]);
    expect(await s3.keys("kuvert-de")).to.deep.equal([]);

    // The object store in Germany fails after two uploads: the move stops halfway.
    proxy.allowPuts = 2;
    const error = await moveOrganisationRegion(org.id, "de").then(
      () => null,
      (e: Error) => e,
    );
    expect(error, "the first run fails").to.not.equal(null);
    proxy.cut = false;
    proxy.allowPuts = null;

    expect((await Organisation.findByPk(org.id))!.region, "new attachments go to Germany at once").to.equal("de");
    const states = (await BlobMove.findAll({ where: { organisationId: org.id } })).map((m) => m.state).sort();
    expect(states).to.deep.equal(["pending", "pending", "switched", "switched"]);
    const halfway = await keysOf(sent);
    expect(halfway.filter((k) => k.startsWith("de/"))).to.have.length(2);
    // Old copies are deleted only after every blob is switched: both still sit in Sweden.
    expect(await s3.keys("kuvert-se")).to.include.members(original);
    expect(await downloads(recipientApi, sent), "every attachment reads while the move is halfway").to.equal(true);

    const later = await sendWithAttachments(senderApi, recipient, 1, "later");
    expect((await keysOf(later))[0]).to.match(/^de\//);

    // Resumed by the operator with the same command (a new process, straight to both buckets).
    const cliEnv = {
      ...s3Credentials,
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
      AWS_EC2_METADATA_DISABLED: "true",
      BLOB_STORE_SE: s3.config("kuvert-se"),
      BLOB_STORE_DE: s3.config("kuvert-de"),
    };
    const resumed = await runCli(["org:move-region", "--org", org.name, "--to", "de"], cliEnv);
    expect(resumed.code, resumed.stderr).to.equal(0);
    const result = JSON.parse(resumed.stdout) as Record<string, unknown>;
    expect(result).to.include({ organisation: org.name, to: "de", moved: 4, skipped: 0, resumed: true });
    const rows = await Attachment.findAll({ where: { id: sent.map((x) => x.attachmentId) } });
    expect(result.bytes).to.equal(rows.reduce((n, r) => n + r.ciphertextSize, 0));

    const moved = await keysOf(sent);
    expect(moved).to.deep.equal(original.map((k) => k.replace(/^se\//, "de/")).sort());
    expect(await s3.keys("kuvert-de")).to.deep.equal([...moved, ...(await keysOf(later))].sort());
    expect(await s3.keys("kuvert-se"), "only the other organisation's blob stays in Sweden").to.deep.equal(otherKeys);
    expect(await BlobMove.count({ where: { organisationId: org.id } })).to.equal(0);
    expect(await downloads(recipientApi, [...sent, ...later, ...other])).to.equal(true);

    const audit = await AuditEvent.findAll({ where: { organisationId: org.id }, order: [["id", "ASC"]] });
    const started = audit.filter((e) => e.type === "organisation.region_move_started");
    const finished = audit.filter((e) => e.type === "organisation.region_moved");
    expect(started.map((e) => e.data)).to.deep.equal([{ from: "se", to: "de" }]);
    expect(finished).to.have.length(1);
    expect(finished[0].data).to.include({ to: "de", moved: 4, skipped: 0, resumed: true });

    // Idempotent: running it again finds nothing to do and changes nothing.
    const again = await runCli(["org:move-region", "--org", org.name, "--to", "de"], cliEnv);
    expect(again.code, again.stderr).to.equal(0);
    expect(JSON.parse(again.stdout)).to.include({ moved: 0, skipped: 0, resumed: false });
    expect(await keysOf(sent)).to.deep.equal(moved);
    expect(await s3.keys("kuvert-de")).to.deep.equal([...moved, ...(await keysOf(later))].sort());
    expect(await AuditEvent.count({ where: { organisationId: org.id, type: "organisation.region_moved" } })).to.equal(
      1,
    );
  });

  it("skips an attachment whose message was shredded during the move and removes its copy", async () => {
    const { org, user: sender } = await orgUser("se");
    const recipient = await buildUser();
    const senderApi = await signIn(sender);
    const recipientApi = await signIn(recipient);
    const [kept] = await sendWithAttachments(senderApi, recipient, 1, "kept");
    const [shredded] = await sendWithAttachments(senderApi, recipient, 1, "shredded");
    const shreddedKey = (await keysOf([shredded]))[0];

    proxy.allowPuts = 1;
    await moveOrganisationRegion(org.id, "de").catch(() => undefined);
    proxy.cut = false;
    proxy.allowPuts = null;
    const pending = await BlobMove.findOne({ where: { organisationId: org.id, state: ["pending", "copied"] } });
    expect(pending, "one blob is still to move").to.not.equal(null);
    // Shred the message whose blob has not moved yet (both readers empty their trash).
    const target = pending!.attachmentId === shredded.attachmentId ? shredded : kept;
    for (const api of [recipientApi, senderApi]) {
      await api.post("/api/mailbox/trash", { messageIds: [target.messageId] });
      await api.post("/api/mailbox/trash/empty", { messageIds: [target.messageId] });
    }
    const result = await moveOrganisationRegion(org.id, "de");
    expect(result).to.include({ moved: 1, skipped: 1, resumed: true });
    expect(await s3.keys("kuvert-de")).to.not.include(pending!.toKey);
    expect(await Attachment.count({ where: { id: target.attachmentId } })).to.equal(0);
    const survivor = target === shredded ? kept : shredded;
    expect(await downloads(recipientApi, [survivor])).to.equal(true);
    expect(shreddedKey).to.match(/^se\//);
  });

  it("refuses a region that does not exist and an unknown organisation, with a JSON error", async () => {
    const { org } = await orgUser("se");
    const bad = await runCli(["org:move-region", "--org", org.name, "--to", "fr"]);
    expect(bad.code).to.equal(1);
    expect(JSON.parse(bad.stderr)).to.include({ error: "invalid_argument" });
    const unknown = await runCli(["org:move-region", "--org", "Ingen sådan kommun", "--to", "de"]);
    expect(unknown.code).to.equal(1);
    expect(JSON.parse(unknown.stderr)).to.include({ error: "not_found" });
    expect((await Organisation.findByPk(org.id))!.region).to.equal("se");
  });
});
