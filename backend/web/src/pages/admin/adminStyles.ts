import { mergeStyleSets } from "@fluentui/react";
import { colors } from "../../theme.js";

/** Layout of the admin console's pages, next to the settings card styles they share. */
export const adminClasses = mergeStyleSets({
  filters: { display: "flex", flexWrap: "wrap", gap: "8px 16px", alignItems: "flex-end", marginBottom: 16 },
  grow: { flex: "1 1 220px", minWidth: 0 },
  filter: { flex: "0 1 180px", minWidth: 140 },
  person: { minWidth: 0, wordBreak: "break-word" },
  name: { display: "block", fontWeight: 600 },
  email: { display: "block", color: colors.textMuted, fontSize: 13 },
  paging: { display: "flex", flexWrap: "wrap", alignItems: "center", gap: 12, marginTop: 14 },
});
