import { mergeStyleSets } from "@fluentui/react";
import { useTranslation } from "react-i18next";
import { deliveryStatuses, type DeliveryStatus } from "../../api/messages.js";
import { colors, statusColors } from "../../theme.js";

/** Sent-status colours (F11): dark text on a light tint, every pair above 4.5:1 (WCAG AA). */
export const statusColours: Record<DeliveryStatus, { fg: string; bg: string; border: string }> = statusColors;

const classes = mergeStyleSets({
  badge: {
    display: "inline-flex",
    alignItems: "center",
    gap: 4,
    fontSize: 12,
    lineHeight: "18px",
    padding: "0 6px",
    borderRadius: 9,
    borderWidth: 1,
    borderStyle: "solid",
    whiteSpace: "nowrap",
    fontWeight: 600,
  },
  dot: { width: 8, height: 8, borderRadius: 4, display: "inline-block" },
  legend: { display: "flex", flexWrap: "wrap", gap: "6px 10px", listStyle: "none", padding: 0, margin: "8px 0 0" },
  legendTitle: { fontSize: 13, fontWeight: 600, margin: "12px 0 0", color: colors.textSecondary },
});

export function StatusBadge({ status }: { status: DeliveryStatus }) {
  const { t } = useTranslation();
  const c = statusColours[status] ?? statusColours.queued;
  return (
    <span
      className={classes.badge}
      style={{ color: c.fg, background: c.bg, borderColor: c.border }}
      data-status={status}
    >
      <span className={classes.dot} style={{ background: c.border }} aria-hidden="true" />
      {t(`mail.status.${status}`)}
    </span>
  );
}

/** What the colours mean, beside the Sent list. */
export function StatusLegend() {
  const { t } = useTranslation();
  return (
    <section aria-labelledby="status-legend-title" data-testid="status-legend">
      <h2 id="status-legend-title" className={classes.legendTitle}>
        {t("mail.status.legend")}
      </h2>
      <ul className={classes.legend}>
        {deliveryStatuses.map((s) => (
          <li key={s} title={t(`mail.status.help.${s}`)}>
            <StatusBadge status={s} />
          </li>
        ))}
      </ul>
    </section>
  );
}
