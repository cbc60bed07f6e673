import { useEffect, useId, useRef, useState, type KeyboardEvent } from "react";
import { Label, mergeStyleSets } from "@fluentui/react";
import { useTranslation } from "react-i18next";
import { colors } from "../../theme.js";

/** The body as the editor holds it: HTML for body.html, plain text for body.text (F1). */
export interface RichText {
  html: string;
  text: string;
}

const classes = mergeStyleSets({
  wrap: {
    border: `1px solid ${colors.inputBorder}`,
    borderRadius: 4,
    background: colors.surface,
    selectors: { ":focus-within": { borderColor: colors.primary, boxShadow: `0 0 0 1px ${colors.primary}` } },
  },
  toolbar: {
    display: "flex",
    flexWrap: "wrap",
    gap: 2,
    padding: 4,
    borderBottom: `1px solid ${colors.divider}`,
    background: colors.surfaceSubtle,
    borderRadius: "4px 4px 0 0",
  },
  tool: {
    minWidth: 36,
    height: 32,
    display: "inline-flex",
    alignItems: "center",
    justifyContent: "center",
    border: "1px solid transparent",
    borderRadius: 4,
    background: "transparent",
    color: colors.text,
    fontSize: 14,
    cursor: "pointer",
    selectors: {
      ":hover": { background: colors.hover },
      ":focus-visible": { outline: `2px solid ${colors.primary}`, outlineOffset: 1 },
      "&[aria-pressed='true']": { background: colors.selected, borderColor: colors.primary },
    },
  },
  area: {
    minHeight: 200,
    padding: "8px 10px",
    outline: "none",
    lineHeight: "1.5",
    fontSize: 14,
    overflowWrap: "anywhere",
    selectors: { p: { margin: "0 0 8px" }, "ul, ol": { margin: "0 0 8px", paddingLeft: 24 } },
  },
});

/** Escapes plain text for HTML, keeping its line breaks (templates, signatures, old drafts). */
export function textToHtml(text: string): string {
  const escaped = text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
  return escaped
    .split(/\n{2,}/)
    .map((para) => `<p>${para.replace(/\n/g, "<br>")}</p>`)
    .join("");
}

/** Only web and mail links are made (no javascript: and the like); the server sanitises again. */
function safeUrl(raw: string): string | null {
  const url = raw.trim();
  if (/^(https?:\/\/|mailto:)\S+$/i.test(url)) return url;
  if (/^[\w.-]+\.[a-z]{2,}(\/\S*)?$/i.test(url)) return `https://${url}`;
  return null;
}

type Command = "bold" | "italic" | "insertUnorderedList" | "insertOrderedList";
const tools: Array<{ command: Command; key: string; icon: string[]; shortcut?: string }> = [
  {
    command: "bold",
    key: "bold",
    icon: ["M7 5h6a3.5 3.5 0 0 1 0 7H7z", "M7 12h7a3.5 3.5 0 0 1 0 7H7z"],
    shortcut: "Ctrl+B",
  },
  { command: "italic", key: "italic", icon: ["M19 4h-9", "M14 20H5", "M15 4L9 20"], shortcut: "Ctrl+I" },
  {
    command: "insertUnorderedList",
    key: "bullets",
    icon: ["M9 6h11", "M9 12h11", "M9 18h11", "M4 6h.01", "M4 12h.01", "M4 18h.01"],
  },
  {
    command: "insertOrderedList",
    key: "numbers",
    icon: ["M10 6h10", "M10 12h10", "M10 18h10", "M4 4h1v5", "M4 9h2", "M6 19H4c0-1 2-2 2-3s-1-1.5-2-1"],
  },
];

/** A 16 px line icon (no icon font from a CDN); decorative, the button carries the name. */
function Icon(props: { paths: string[] }) {
  return (
    <svg
      viewBox="0 0 24 24"
      width="16"
      height="16"
      aria-hidden="true"
      focusable="false"
      fill="none"
      stroke="currentColor"
      strokeWidth="2"
      strokeLinecap="round"
      strokeLinejoin="round"
    >
      {props.paths.map((d) => (
        <path key={d} d={d} />
      ))}
    </svg>
  );
}

/**
 * A small rich-text editor for the message body (F1): bold, italic, bulleted and numbered lists
 * and links. Deliberately a contentEditable with document.execCommand instead of a library: the
 * four commands are all the composer offers, execCommand is deprecated but implemented by every
 * browser for exactly these, and it adds no weight to the bundle. The HTML is sent as body.html
 * (the server sanitises it when a message is read) and innerText as body.text.
 *
 * Uncontrolled: `value` is written into the editor only when `revision` changes (a draft is
 * loaded, a template or signature is inserted), so typing never resets the caret.
 */
export function RichTextEditor(props: {
  label: string;
  value: RichText;
  revision: number;
  onChange: (value: RichText) => void;
  testId?: string;
}) {
  const { t } = useTranslation();
  const area = useRef<HTMLDivElement>(null);
  const labelId = useId();
  const [active, setActive] = useState<Record<string, boolean>>({});
  const { value, revision, onChange } = props;

  useEffect(() => {
    if (area.current && area.current.innerHTML !== value.html) area.current.innerHTML = value.html;
    // Only on a new revision: `value` changes on every keystroke.
  }, [revision]);

  const report = () => {
    const el = area.current;
    if (!el) return;
    const text = el.innerText
      .replace(/\u00a0/g, " ")
      .replace(/\n{3,}/g, "\n\n")
      .trim();
    onChange({ html: text ? el.innerHTML : "", text });
    refreshState();
  };

  const refreshState = () => {
    const next: Record<string, boolean> = {};
    for (const tool of tools) {
      try {
        next[tool.key] = document.queryCommandState(tool.command);
      } catch {
        next[tool.key] = false;
      }
    }
    setActive(next);
  };

  const run = (command: Command | "createLink", arg?: string) => {
    area.current?.focus();
    document.execCommand(command, false, arg);
    report();
  };

  const addLink = () => {
    const selection = window.getSelection();
    const saved = selection && selection.rangeCount ? selection.getRangeAt(0).cloneRange() : null;
    const raw = window.prompt(t("mail.compose.linkPrompt"), "https://");
    if (!raw) return;
    const url = safeUrl(raw);
    if (!url) return;
    area.current?.focus();
    if (saved && selection) {
      selection.removeAllRanges();
      selection.addRange(saved);
    }
    if (saved && !saved.collapsed) run("createLink", url);
    else {
      document.execCommand(
        "insertHTML",
        false,
        `<a href="${url.replace(/"/g, "&quot;")}">${textToHtml(url).replace(/^<p>|<\/p>$/g, "")}</a>`,
      );
      report();
    }
  };

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === "k") {
      e.preventDefault();
      addLink();
    }
  };

  return (
    <div>
      <Label id={labelId}>{props.label}</Label>
      <div className={classes.wrap}>
        <div
          role="toolbar"
          aria-label={t("mail.compose.editor")}
          aria-controls={`${labelId}-area`}
          className={classes.toolbar}
        >
          {tools.map((tool) => (
            <button
              key={tool.key}
              type="button"
              className={classes.tool}
              aria-label={t(`mail.compose.${tool.key}`)}
              title={
                tool.shortcut ? `${t(`mail.compose.${tool.key}`)} (${tool.shortcut})` : t(`mail.compose.${tool.key}`)
              }
              aria-pressed={!!active[tool.key]}
              onMouseDown={(e) => e.preventDefault()}
              onClick={() => run(tool.command)}
              data-testid={`editor-${tool.key}`}
            >
              <Icon paths={tool.icon} />
            </button>
          ))}
          <button
            type="button"
            className={classes.tool}
            aria-label={t("mail.compose.link")}
            title={`${t("mail.compose.link")} (Ctrl+K)`}
            onMouseDown={(e) => e.preventDefault()}
            onClick={addLink}
            data-testid="editor-link"
          >
            <Icon
              paths={[
                "M10 13a5 5 0 0 0 7.5.5l3-3a5 5 0 0 0-7-7l-1.7 1.7",
                "M14 11a5 5 0 0 0-7.5-.5l-3 3a5 5 0 0 0 7 7l1.7-1.7",
              ]}
            />
          </button>
        </div>
        <div
          ref={area}
          id={`${labelId}-area`}
          className={classes.area}
          contentEditable
          suppressContentEditableWarning
          role="textbox"
          aria-multiline="true"
          aria-labelledby={labelId}
          tabIndex={0}
          onInput={report}
          onKeyUp={refreshState}
          onMouseUp={refreshState}
          onKeyDown={onKeyDown}
          data-testid={props.testId}
        />
      </div>
    </div>
  );
}
