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
  preview: {
    border: `1px dashed ${colors.inputBorder}`,
    borderRadius: 4,
    padding: "8px 12px",
    background: colors.surfaceSubtle,
    minWidth: 0,
  },
  previewLabel: { fontWeight: 600, margin: "0 0 4px" },
  previewBody: {
    whiteSpace: "pre-wrap",
    overflowWrap: "anywhere",
    margin: 0,
    lineHeight: "1.5",
    selectors: { p: { margin: "0 0 8px", whiteSpace: "normal" }, a: { color: colors.primary } },
  },
  templateList: { listStyle: "none", margin: "16px 0 0", padding: 0, display: "grid", gap: 12 },
  templateItem: { border: `1px solid ${colors.divider}`, borderRadius: 4, padding: "10px 12px", minWidth: 0 },
  templateName: { fontSize: 16, fontWeight: 600, margin: "0 0 6px", overflowWrap: "anywhere" },
  templateBody: { whiteSpace: "pre-wrap", overflowWrap: "anywhere", margin: "0 0 10px", color: colors.text },
  templateActions: { display: "flex", flexWrap: "wrap", gap: 8 },
  placeholderList: {
    listStyle: "none",
    margin: 0,
    padding: 0,
    display: "grid",
    gap: 6,
    selectors: { li: { display: "flex", flexWrap: "wrap", alignItems: "center", gap: 8 } },
  },
  placeholderText: { color: colors.textMuted, fontSize: 13 },
  paging: { display: "flex", flexWrap: "wrap", alignItems: "center", gap: 12, marginTop: 14 },
});
