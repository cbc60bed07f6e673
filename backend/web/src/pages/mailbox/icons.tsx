import { registerIcons } from "@fluentui/react";
import { strokeIcon } from "#shared/ui/icons.js";

let registered = false;

/** Inline SVG icons of the mailbox, compose and contacts pages (no icon font from a CDN). */
export function registerMailIcons(): void {
  if (registered) return;
  registered = true;
  registerIcons({
    icons: {
      Send: strokeIcon("M22 2L11 13", "M22 2l-7 20-4-9-9-4z"),
      Save: strokeIcon("M5 3h11l3 3v15H5z", "M8 3v5h7V3", "M8 21v-7h8v7"),
      Delete: strokeIcon("M4 7h16", "M10 11v6", "M14 11v6", "M6 7l1 13h10l1-13", "M9 7V4h6v3"),
      Add: strokeIcon("M12 5v14", "M5 12h14"),
      More: strokeIcon("M5 12h.01", "M12 12h.01", "M19 12h.01"),
      FolderHorizontal: strokeIcon("M3 6h6l2 2h10v11H3z"),
      MoveToFolder: strokeIcon("M3 6h6l2 2h10v11H3z", "M10 14h6", "M14 12l2 2-2 2"),
      Reply: strokeIcon("M9 14L4 9l5-5", "M4 9h11a5 5 0 0 1 5 5v6"),
      Refresh: strokeIcon("M21 12a9 9 0 1 1-3-6.7L21 8", "M21 3v5h-5"),
      Search: strokeIcon("M11 18a7 7 0 1 0 0-14 7 7 0 0 0 0 14z", "M21 21l-5-5"),
      Attach: strokeIcon("M21 11l-9 9a5 5 0 0 1-7-7l9-9a3.5 3.5 0 0 1 5 5l-9 9a2 2 0 0 1-3-3l8-8"),
      Download: strokeIcon("M12 3v12", "M7 10l5 5 5-5", "M5 21h14"),
      Read: strokeIcon("M3 9l9-6 9 6v11H3z", "M3 9l9 6 9-6"),
      MailUnread: strokeIcon("M3 6h18v12H3z", "M3 7l9 6 9-6"),
      Undo: strokeIcon("M9 14L4 9l5-5", "M4 9h10a6 6 0 0 1 0 12h-3"),
      Shield: strokeIcon("M12 22s8-4 8-10V5l-8-3-8 3v7c0 6 8 10 8 10z"),
      Fire: strokeIcon("M12 22a7 7 0 0 0 7-7c0-4-3-6-4-10-2 2-3 4-3 6-1-1-2-2-2-4-2 2-5 5-5 8a7 7 0 0 0 7 7z"),
      Clock: strokeIcon("M12 22a10 10 0 1 0 0-20 10 10 0 0 0 0 20z", "M12 6v6l4 2"),
      People: strokeIcon(
        "M9 11a4 4 0 1 0 0-8 4 4 0 0 0 0 8z",
        "M2 21a7 7 0 0 1 14 0",
        "M16 3a4 4 0 0 1 0 8",
        "M22 21a7 7 0 0 0-4-6.3",
      ),
      Verified: strokeIcon("M12 22s8-4 8-10V5l-8-3-8 3v7c0 6 8 10 8 10z", "M8 12l3 3 5-6"),
      Phone: strokeIcon("M7 2h10v20H7z", "M11 18h2"),
      Ringer: strokeIcon("M6 8a6 6 0 0 1 12 0c0 7 3 9 3 9H3s3-2 3-9", "M10 21a2 2 0 0 0 4 0"),
    },
  });
}
