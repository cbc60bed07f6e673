import { createTheme, registerIcons } from "@fluentui/react";
import type { ReactElement } from "react";

/**
 * Kuvert's colours, named by what they are for: the one place a colour is written. Every
 * text colour on the backgrounds it is used with meets WCAG AA.
 */
export const colors = {
  /** Kuvert's calm blue: buttons, links, selection marks, icons. */
  primary: "#0f5c8c",
  /** The header bar, focus rings, text on light blue. */
  primaryDark: "#0c466a",
  /** Hover and pressed on the header bar. */
  primaryDarker: "#09344e",
  /** A light blue panel (who am I, notes, hovered tabs). */
  primaryTint: "#f1f7fb",
  /** Text and icons on the primary colours. */
  onPrimary: "#ffffff",
  /** The page behind the cards before the theme has painted the body. */
  page: "#f5f7f9",
  /** Cards, lists and inputs. */
  surface: "#ffffff",
  /** A quieter panel inside a card (sub-forms, toolbars). */
  surfaceSubtle: "#f7f9fb",
  text: "#1b1b1b",
  /** Leads, table headings, details. */
  textSecondary: "#424242",
  /** Dates, sizes, help lines. */
  textMuted: "#545454",
  /** Card and field-group borders. */
  border: "#d6dde3",
  /** Dashed drop areas. */
  borderStrong: "#c5ced6",
  /** Input borders (the rich-text editor, printed code lines). */
  inputBorder: "#8a8886",
  /** Lines between list rows. */
  divider: "#e6eaee",
  /** A hovered row or folder. */
  hover: "#e8eef3",
  /** The current folder, a pressed toolbar button. */
  selected: "#dce9f3",
  selectedHover: "#d0e2ef",
  /** The open message in the list. */
  selectedRow: "#e6f0f7",
  /** A folder a message is dragged over. */
  dropTarget: "#eef5fa",
  /** Card shadow. */
  shadow: "rgba(0,0,0,0.08)",
  success: "#0e7a0d",
  successText: "#0b4f0b",
  successBackground: "#e1f5df",
  warningText: "#6b4a00",
  warningBackground: "#fff4ce",
  infoBackground: "#dbeaf5",
  neutralText: "#33404d",
  neutralBackground: "#eef1f4",
  /** Destructive buttons and their titles. */
  danger: "#a4262c",
  dangerHover: "#8a1f24",
  dangerPressed: "#751a1f",
  dangerBorder: "#d13438",
  disabledBackground: "#f3f2f1",
  /** A security function the organisation forces on: on and locked, not disabled grey. */
  locked: "#5b7fa6",
} as const;

/** The delivery states' badges: text, background and border, each pair AA. */
export const statusColors = {
  queued: { fg: "#3b3b3b", bg: "#f0f0f0", border: "#8a8a8a" },
  notified: { fg: "#0c3f66", bg: "#e3f0fb", border: "#2b7bc0" },
  opened: { fg: "#07494a", bg: "#dff4f3", border: "#1a8c8a" },
  read: { fg: "#0b4f0b", bg: "#e1f5df", border: "#2f8f2d" },
  expired: { fg: "#5c3d00", bg: "#fdf0d5", border: "#b07a00" },
  burned: { fg: "#4b1d6b", bg: "#f1e6f8", border: "#7f3fae" },
  bounced: { fg: "#8a1010", bg: "#fde7e7", border: "#c62828" },
  away: { fg: "#6b3200", bg: "#fdeadb", border: "#c2621a" },
  not_delivered: { fg: "#8a1010", bg: "#fff4f4", border: "#8a1010" },
} as const;

/** Kuvert's calm blue as a Fluent theme (ThemeProvider paints the body in its white and text colour). */
export const kuvertTheme = createTheme({
  palette: {
    themePrimary: colors.primary,
    themeLighterAlt: colors.primaryTint,
    themeLighter: "#c9e0ee",
    themeLight: "#9ec6df",
    themeTertiary: "#5292bf",
    themeSecondary: "#1f6c9d",
    themeDarkAlt: "#0e537e",
    themeDark: colors.primaryDark,
    themeDarker: colors.primaryDarker,
    white: colors.surface,
  },
  defaultFontStyle: {
    fontFamily:
      '"Segoe UI", "Segoe UI Web (West European)", -apple-system, BlinkMacSystemFont, Roboto, "Helvetica Neue", Arial, sans-serif',
  },
});

/** The colours styles.css uses, as CSS custom properties on the document (set once at start). */
export function applyThemeColours(root: HTMLElement = document.documentElement): void {
  root.style.setProperty("--kuvert-primary", colors.primary);
  root.style.setProperty("--kuvert-primary-dark", colors.primaryDark);
  root.style.setProperty("--kuvert-surface", colors.surface);
  root.style.setProperty("--kuvert-page", colors.page);
  root.style.setProperty("--kuvert-text", colors.text);
}

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
