import { mergeStyleSets } from "@fluentui/react";
import { colors } from "../theme.js";

/** Shared layout for the small forms in cards. */
export const formClasses = mergeStyleSets({
  form: { display: "flex", flexDirection: "column", gap: 14 },
  actions: { display: "flex", flexWrap: "wrap", alignItems: "center", gap: 12, marginTop: 4 },
  links: { display: "flex", flexDirection: "column", gap: 8, marginTop: 20, fontSize: 14 },
  lead: { margin: "0 0 12px", lineHeight: "1.5" },
  who: {
    display: "flex",
    alignItems: "center",
    justifyContent: "space-between",
    gap: 8,
    flexWrap: "wrap",
    background: colors.primaryTint,
    borderRadius: 4,
    padding: "6px 10px",
    wordBreak: "break-all",
  },
});
