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
  saveBar: { display: "flex", flexDirection: "column", alignItems: "flex-start", gap: 10, margin: "0 0 24px" },
  invalid: { color: colors.danger, margin: 0, fontWeight: 600 },
  numbers: {
    display: "grid",
    gridTemplateColumns: "repeat(auto-fit, minmax(200px, 1fr))",
    gap: 16,
    margin: 0,
  },
  number: { fontSize: 28, fontWeight: 600, margin: "4px 0 0", lineHeight: "1.2" },
  meter: { height: 8, borderRadius: 4, background: colors.neutralBackground, overflow: "hidden", marginTop: 8 },
  meterFill: { height: "100%", background: colors.primary },
  rowActions: { display: "flex", flexWrap: "wrap", gap: 8 },
  fileLabel: { display: "inline-flex", flexDirection: "column", gap: 6, fontWeight: 600, margin: "0 0 12px" },
  fileInput: { maxWidth: "100%" },
  paging: { display: "flex", flexWrap: "wrap", alignItems: "center", gap: 12, marginTop: 14 },
});
