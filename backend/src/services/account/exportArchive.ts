import { once } from "node:events";
import type { Readable } from "node:stream";
import { ZipArchive } from "archiver";
import { logger } from "../../logger.js";
import { exportSections, type ExportContext, type ExportSection } from "./exportSections.js";

const README = `Kuvert — export av dina uppgifter / export of your data

account/   kontouppgifter, inställningar, telefoner och din granskningslogg (JSON)
           account information, settings, phones and your audit log (JSON)
messages/  dina meddelanden, dekrypterade, en mapp per meddelande; left-out.json listar de
           meddelanden vars innehåll inte följer med, och varför: id_check_pending (ID-kontroll
           inte gjord i den här sessionen), burn_after_reading och eyes_only (följer aldrig med
           i en export), expired, gone, key_locked
           your messages, decrypted, one folder each; left-out.json lists the messages whose
           content is not included, and why: id_check_pending (ID check not passed in this
           session), burn_after_reading and eyes_only (never exported), expired, gone, key_locked
`;

/**
 * A zip archive of the owner's data, streamed: sections are produced lazily and each entry is
 * written before the next is requested (archiver's queue would otherwise hold them all).
 */
export function exportArchive(ctx: ExportContext, sections: ExportSection[] = exportSections): Readable {
  const zip = new ZipArchive({ zlib: { level: 6 } });
  const produce = async () => {
    const added = once(zip, "entry");
    zip.append(README, { name: "README.txt" });
    await added;
    for (const section of sections) {
      for await (const entry of section.entries(ctx)) {
        const done = once(zip, "entry");
        zip.append(entry.content, { name: `${section.name}/${entry.path}`, date: entry.date });
        await done;
      }
    }
    await zip.finalize();
  };
  produce().catch((err: Error) => {
    logger.error({ err: { name: err.name, message: err.message } }, "account export failed");
    zip.destroy(err);
  });
  return zip;
}
