import { mergeStyleSets } from "@fluentui/react";
import type { ReactNode } from "react";
import { colors } from "../theme.js";
import { formClasses } from "./formStyles.js";

const classes = mergeStyleSets({
  card: {
    maxWidth: 440,
    margin: "16px auto",
    background: colors.surface,
    border: `1px solid ${colors.border}`,
    borderRadius: 8,
    padding: "24px 20px",
    boxShadow: `0 1px 3px ${colors.shadow}`,
    "@media (max-width: 400px)": { padding: "20px 14px", margin: "4px auto" },
  },
  title: { fontSize: 24, fontWeight: 600, margin: "0 0 16px", lineHeight: "1.25" },
});

/** The calm white card that holds sign-in, reset and recovery forms. */
export function CenteredCard({ title, children }: { title: string; children: ReactNode }) {
  return (
    <section className={classes.card} aria-labelledby="card-title">
      <h1 id="card-title" className={classes.title}>
        {title}
      </h1>
      {children}
    </section>
  );
}

interface NoticeCardProps {
  title: string;
  /** One paragraph on where the visitor stands. */
  text: string;
  testId: string;
  /** What to do next: a link or a button. */
  children?: ReactNode;
}

/** A card that only tells where a link has left the visitor (expired, declined, joined …). */
export function NoticeCard({ title, text, testId, children }: NoticeCardProps) {
  return (
    <CenteredCard title={title}>
      <p className={formClasses.lead} data-testid={testId}>
        {text}
      </p>
      {children}
    </CenteredCard>
  );
}
