import fs from "node:fs";
import path from "node:path";
import { projectRoot } from "#shared/build/paths.js";

export const inboundFixtures = [
  "exchange-auto-reply",
  "franvaro-subject-only",
  "gmail-vacation",
  "dsn-5.1.1",
  "dsn-delayed-4.4.7",
  "nonstandard-bounce",
  "human-reply",
  "mailing-list",
] as const;
export type InboundFixture = (typeof inboundFixtures)[number];

/** A fixture from test/fixtures/inbound/ with {{MESSAGE_ID}} replaced by the id of our original e-mail. */
export function inboundFixture(name: InboundFixture, messageId: string, replace: Record<string, string> = {}): Buffer {
  let text = fs.readFileSync(path.join(projectRoot, "test", "fixtures", "inbound", `${name}.eml`), "utf8");
  text = text.replaceAll("{{MESSAGE_ID}}", messageId);
  for (const [from, to] of Object.entries(replace)) text = text.replaceAll(from, to);
  return Buffer.from(text.replace(/\r?\n/g, "\r\n"), "utf8");
}
