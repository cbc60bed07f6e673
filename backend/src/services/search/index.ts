import { Op, fn, col, type Transaction } from "sequelize";
import { SearchTerm } from "../../models/SearchTerm.js";
import { queryTerms, termsFor } from "./terms.js";

/** What a reader can search for in one message: everything they can see of it. */
export interface SearchableContent {
  subject: string;
  text?: string | null;
  html?: string | null;
  fileNames?: string[];
  /** The sender's name and address, as the reader sees them. */
  people?: string[];
}

function stripTags(html: string): string {
  return html.replace(/<[^>]*>/g, " ").replace(/&[a-z#0-9]+;/gi, " ");
}

function termsOf(userId: string, c: SearchableContent): string[] {
  return termsFor(userId, [
    c.subject,
    c.text,
    c.html ? stripTags(c.html) : null,
    ...(c.fileNames ?? []),
    ...(c.people ?? []),
  ]);
}

/**
 * Indexes a message for one reader (idempotent). Called with the plaintext where the server
 * has it anyway: at send time (plaintext form) or when the reader's session decrypts it
 * (pre-encrypted form). Only keyed hashes are stored.
 */
export async function indexForReader(
  t: Transaction | null,
  userId: string,
  messageId: string,
  c: SearchableContent,
): Promise<void> {
  await indexForReaders(t, messageId, [{ userId, content: c }]);
}

/**
 * The same for several readers of one message in two statements (which readers are indexed
 * already, then one insert of every new reader's terms): the send path's form. `newMessage`:
 * the message was created in `t`, so nobody is indexed yet and the first statement is skipped.
 */
export async function indexForReaders(
  t: Transaction | null,
  messageId: string,
  readers: Array<{ userId: string; content: SearchableContent }>,
  { newMessage = false }: { newMessage?: boolean } = {},
): Promise<void> {
  if (readers.length === 0) return;
  const done = newMessage
    ? []
    : ((await SearchTerm.findAll({
        attributes: [[col("user_id"), "userId"]],
        where: { messageId, userId: { [Op.in]: readers.map((r) => r.userId) } },
        group: [col("user_id")],
        raw: true,
        transaction: t ?? undefined,
      })) as unknown as Array<{ userId: string }>);
  const indexed = new Set(done.map((r) => r.userId));
  const rows: Array<{ userId: string; messageId: string; term: string }> = [];
  for (const r of readers) {
    if (indexed.has(r.userId)) continue;
    indexed.add(r.userId);
    for (const term of termsOf(r.userId, r.content)) rows.push({ userId: r.userId, messageId, term });
  }
  if (rows.length === 0) return;
  await SearchTerm.bulkCreate(rows, { transaction: t ?? undefined });
}

/** Which of `messageIds` are already indexed for the reader. */
export async function indexedMessageIds(userId: string, messageIds: string[]): Promise<Set<string>> {
  if (messageIds.length === 0) return new Set();
  const rows = (await SearchTerm.findAll({
    attributes: [[col("message_id"), "messageId"]],
    where: { userId, messageId: { [Op.in]: messageIds } },
    group: [col("message_id")],
    raw: true,
  })) as unknown as Array<{ messageId: string }>;
  return new Set(rows.map((r) => r.messageId));
}

/**
 * The ids of the reader's messages that match every word of `query` (as a word or a word
 * prefix), or null for a query with nothing searchable in it.
 */
export async function searchMessageIds(userId: string, query: string): Promise<string[] | null> {
  const terms = queryTerms(userId, query);
  if (terms.length === 0) return null;
  const rows = (await SearchTerm.findAll({
    attributes: [
      [col("message_id"), "messageId"],
      [fn("COUNT", fn("DISTINCT", col("term"))), "n"],
    ],
    where: { userId, term: { [Op.in]: terms } },
    group: [col("message_id")],
    raw: true,
  })) as unknown as Array<{ messageId: string; n: number | string }>;
  return rows.filter((r) => Number(r.n) === terms.length).map((r) => r.messageId);
}

/** Forgets what one reader (or, without userId, every reader) could search for in messages. */
export async function dropIndex(t: Transaction, messageIds: string[], userId?: string): Promise<void> {
  if (messageIds.length === 0) return;
  await SearchTerm.destroy({
    where: { messageId: { [Op.in]: messageIds }, ...(userId ? { userId } : {}) },
    transaction: t,
  });
}
