import { mergeStyleSets } from "@fluentui/react";
import { colors } from "../../theme.js";

/** The composer's layout: one card of fields, the security functions in a fieldset. */
export const composeClasses = mergeStyleSets({
  signaturePreview: { display: "block", whiteSpace: "pre-wrap", overflowWrap: "anywhere", marginTop: 6 },
  page: { maxWidth: 820, margin: "0 auto" },
  title: { fontSize: 26, fontWeight: 600, margin: "0 0 16px" },
  card: {
    background: colors.surface,
    border: `1px solid ${colors.border}`,
    borderRadius: 8,
    padding: "16px 18px 20px",
    display: "flex",
    flexDirection: "column",
    gap: 14,
  },
  mobiles: {
    display: "flex",
    flexDirection: "column",
    gap: 10,
    background: colors.primaryTint,
    borderRadius: 6,
    padding: "10px 12px",
  },
  safe: { display: "flex", flexWrap: "wrap", gap: 6, fontSize: 13 },
  safeItem: {
    display: "inline-flex",
    alignItems: "center",
    gap: 4,
    background: colors.successBackground,
    color: colors.successText,
    borderRadius: 10,
    padding: "2px 8px",
  },
  fieldset: { border: `1px solid ${colors.border}`, borderRadius: 8, padding: "8px 14px 12px", margin: 0 },
  legend: { fontWeight: 600, padding: "0 6px" },
  toggles: { display: "grid", gridTemplateColumns: "repeat(auto-fill, minmax(240px, 1fr))", gap: "4px 20px" },
  forced: {
    display: "flex",
    alignItems: "center",
    gap: 4,
    fontSize: 12,
    fontWeight: 600,
    color: colors.successText,
    margin: "-4px 0 10px",
  },
  help: { fontSize: 13, color: colors.textMuted, margin: "-6px 0 8px", lineHeight: "1.4" },
  actions: { display: "flex", flexWrap: "wrap", gap: 12, alignItems: "center" },
  hiddenInput: { position: "absolute", width: 1, height: 1, opacity: 0, overflow: "hidden" },
});

/** A forced function's toggle: on and locked, drawn in a muted blue instead of disabled grey. */
export const lockedToggle = {
  pill: { background: `${colors.locked} !important`, borderColor: `${colors.locked} !important` },
  thumb: { background: `${colors.surface} !important` },
  label: { color: colors.text },
};
