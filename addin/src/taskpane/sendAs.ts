/**
 * Who a message from the Outlook item goes out as (F25, issues 11 and 12): the user, or a
 * Kuvert shared mailbox when the item's From is the mailbox's address and the user may send as
 * it. Pure functions over the From and GET /api/mailboxes; the pane decides, the backend checks
 * the `send` right again.
 */
import type { Recipient } from "../office/adapter.js";
import { apiJson, type KuvertApi } from "./api.js";

export interface MyMailbox {
  id: string;
  name: string;
  email: string;
  rights: { read: boolean; send: boolean; manage: boolean };
}

export type SendIdentity =
  /** The user's own address (or Outlook does not tell the From). */
  | { kind: "self" }
  /** From is a mailbox the user may send as. */
  | { kind: "mailbox"; mailbox: MyMailbox }
  /** From is a mailbox the user belongs to without the `send` right: nothing is sent. */
  | { kind: "refused"; mailbox: MyMailbox }
  /** From is another address that is none of the user's mailboxes: sent as the user. */
  | { kind: "foreign"; email: string }
  /** From is another address and the user's mailboxes are not known yet. */
  | { kind: "unknown"; email: string };

/** GET /api/mailboxes: the shared mailboxes the user is a member of, with their rights. */
export async function myMailboxes(api: KuvertApi): Promise<MyMailbox[]> {
  const res = await apiJson<{ mailboxes: MyMailbox[] }>(api, "GET", "/api/mailboxes");
  return res.mailboxes;
}

export function sendIdentity(
  from: Recipient | null,
  mailboxes: MyMailbox[] | null,
  user: { email: string },
): SendIdentity {
  const email = from?.email.trim().toLowerCase() ?? "";
  if (!email || email === user.email.trim().toLowerCase()) return { kind: "self" };
  if (!mailboxes) return { kind: "unknown", email };
  const mailbox = mailboxes.find((m) => m.email.toLowerCase() === email);
  if (!mailbox) return { kind: "foreign", email };
  return mailbox.rights.send ? { kind: "mailbox", mailbox } : { kind: "refused", mailbox };
}
