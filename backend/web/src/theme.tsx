import { createTheme } from "@fluentui/react";

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
