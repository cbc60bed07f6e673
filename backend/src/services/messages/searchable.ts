import type { MessageContent } from "./content.js";
import type { SearchableContent } from "../search/index.js";

/** What of a decrypted message its reader can search for. */
export function searchableContent(content: MessageContent, people: string[]): SearchableContent {
  return {
    subject: content.subject,
    text: content.bodyText,
    html: content.bodyHtml,
    fileNames: content.attachments.map((a) => a.name),
    people,
  };
}
