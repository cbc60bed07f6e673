import type { ReactNode } from "react";
import { settingsClasses } from "./settingsStyles.js";

interface SettingsCardProps {
  id: string;
  title: string;
  lead?: string;
  danger?: boolean;
  children: ReactNode;
}

/** One section of a settings page: a white card with its own heading (h2). */
export function SettingsCard({ id, title, lead, danger, children }: SettingsCardProps) {
  return (
    <section
      className={`${settingsClasses.card} ${danger ? settingsClasses.danger : ""}`}
      aria-labelledby={`${id}-title`}
      data-testid={`section-${id}`}
    >
      <h2 id={`${id}-title`} className={`${settingsClasses.cardTitle} ${danger ? settingsClasses.dangerTitle : ""}`}>
        {title}
      </h2>
      {lead ? <p className={settingsClasses.cardLead}>{lead}</p> : null}
      {children}
    </section>
  );
}
