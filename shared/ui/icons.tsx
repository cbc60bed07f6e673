// Fluent UI's icons for the web app and the add-in (its task pane and sign-in dialog), drawn
// inline: both pages register them once at start.
import { registerIcons } from "@fluentui/react";
import type { ReactElement } from "react";

/** An icon drawn from 24×24 stroked paths, in the text colour and at the text size. */
export function strokeIcon(...paths: string[]): ReactElement {
  return (
    <svg
      viewBox="0 0 24 24"
      width="1em"
      height="1em"
      aria-hidden="true"
      focusable="false"
      fill="none"
      stroke="currentColor"
      strokeWidth="2"
      strokeLinecap="round"
      strokeLinejoin="round"
    >
      {paths.map((d) => (
        <path key={d} d={d} />
      ))}
    </svg>
  );
}

/**
 * Icons as inline SVG: Fluent's icon font would load from a CDN, which the strict CSP (and the
 * wish to call no third party) forbids. Covers the names Fluent's own components use.
 */
export function registerKuvertIcons(): void {
  const chevronDown = strokeIcon("M6 9l6 6 6-6");
  const cancel = strokeIcon("M6 6l12 12", "M18 6L6 18");
  const info = strokeIcon("M12 22a10 10 0 1 0 0-20 10 10 0 0 0 0 20z", "M12 16v-5", "M12 8h.01");
  const error = strokeIcon("M12 22a10 10 0 1 0 0-20 10 10 0 0 0 0 20z", "M15 9l-6 6", "M9 9l6 6");
  registerIcons({
    icons: {
      ChevronDown: chevronDown,
      ChevronDownMed: chevronDown,
      ChevronRight: strokeIcon("M9 6l6 6-6 6"),
      ChevronLeft: strokeIcon("M15 6l-6 6 6 6"),
      Back: strokeIcon("M19 12H5", "M12 19l-7-7 7-7"),
      Cancel: cancel,
      Clear: cancel,
      CheckMark: strokeIcon("M5 12l5 5L20 7"),
      Completed: strokeIcon("M12 22a10 10 0 1 0 0-20 10 10 0 0 0 0 20z", "M8 12l3 3 5-6"),
      Info: info,
      ErrorBadge: error,
      Error: error,
      Blocked2: strokeIcon("M12 22a10 10 0 1 0 0-20 10 10 0 0 0 0 20z", "M5 5l14 14"),
      Warning: strokeIcon("M12 3l10 18H2z", "M12 10v4", "M12 17h.01"),
      RedEye: strokeIcon("M2 12s4-7 10-7 10 7 10 7-4 7-10 7S2 12 2 12z", "M12 15a3 3 0 1 0 0-6 3 3 0 0 0 0 6z"),
      Hide: strokeIcon(
        "M3 3l18 18",
        "M10.6 5.1A10 10 0 0 1 12 5c6 0 10 7 10 7a17 17 0 0 1-3 3.8",
        "M6.6 6.6C3.8 8.4 2 12 2 12s4 7 10 7a9.7 9.7 0 0 0 5.4-1.6",
      ),
      Globe: strokeIcon(
        "M12 22a10 10 0 1 0 0-20 10 10 0 0 0 0 20z",
        "M2 12h20",
        "M12 2a15 15 0 0 1 0 20",
        "M12 2a15 15 0 0 0 0 20",
      ),
      Mail: strokeIcon("M3 6h18v12H3z", "M3 7l9 6 9-6"),
      Edit: strokeIcon("M4 20h4L19 9l-4-4L4 16z", "M14 6l4 4"),
      Contact: strokeIcon("M12 12a4 4 0 1 0 0-8 4 4 0 0 0 0 8z", "M4 21a8 8 0 0 1 16 0"),
      Settings: strokeIcon(
        "M12 15a3 3 0 1 0 0-6 3 3 0 0 0 0 6z",
        "M19.4 15a1.7 1.7 0 0 0 .3 1.8l.1.1a2 2 0 1 1-2.8 2.8l-.1-.1a1.7 1.7 0 0 0-1.8-.3 1.7 1.7 0 0 0-1 1.5V21a2 2 0 0 1-4 0v-.1a1.7 1.7 0 0 0-1.1-1.5 1.7 1.7 0 0 0-1.8.3l-.1.1a2 2 0 1 1-2.8-2.8l.1-.1a1.7 1.7 0 0 0 .3-1.8 1.7 1.7 0 0 0-1.5-1H3a2 2 0 0 1 0-4h.1a1.7 1.7 0 0 0 1.5-1.1 1.7 1.7 0 0 0-.3-1.8l-.1-.1a2 2 0 1 1 2.8-2.8l.1.1a1.7 1.7 0 0 0 1.8.3H9a1.7 1.7 0 0 0 1-1.5V3a2 2 0 0 1 4 0v.1a1.7 1.7 0 0 0 1 1.5 1.7 1.7 0 0 0 1.8-.3l.1-.1a2 2 0 1 1 2.8 2.8l-.1.1a1.7 1.7 0 0 0-.3 1.8V9a1.7 1.7 0 0 0 1.5 1H21a2 2 0 0 1 0 4h-.1a1.7 1.7 0 0 0-1.5 1z",
      ),
      SignOut: strokeIcon("M9 21H5a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2h4", "M16 17l5-5-5-5", "M21 12H9"),
      CircleRing: strokeIcon("M12 20a8 8 0 1 0 0-16 8 8 0 0 0 0 16z"),
      Lock: strokeIcon("M5 11h14v10H5z", "M8 11V7a4 4 0 0 1 8 0v4"),
      Inbox: strokeIcon("M3 13h5l1 3h6l1-3h5", "M5 5h14l2 8v6H3v-6z"),
      // The admin console (issue 10)
      Admin: strokeIcon("M12 2l8 4v6c0 5-3.5 8.5-8 10-4.5-1.5-8-5-8-10V6z"),
    },
  });
}
