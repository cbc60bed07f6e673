import { ActionButton, mergeStyleSets, type IContextualMenuItem } from "@fluentui/react";

export interface ToolbarItem {
  key: string;
  text: string;
  icon: string;
  onClick?: () => void;
  menu?: IContextualMenuItem[];
  /** Shown as an icon with the text as its accessible name and tooltip. */
  iconOnly?: boolean;
  testId?: string;
}

const classes = mergeStyleSets({
  bar: { display: "flex", flexWrap: "wrap", alignItems: "center", gap: "0 2px", minHeight: 40, margin: "0 0 6px" },
});

/** A row of actions that wraps on narrow screens instead of hiding actions in an overflow menu. */
export function Toolbar({ items, label }: { items: ToolbarItem[]; label: string }) {
  return (
    <div role="toolbar" aria-label={label} className={classes.bar}>
      {items.map((item) => (
        <ActionButton
          key={item.key}
          iconProps={{ iconName: item.icon }}
          onClick={item.onClick}
          menuProps={item.menu ? { items: item.menu } : undefined}
          ariaLabel={item.iconOnly ? item.text : undefined}
          title={item.iconOnly ? item.text : undefined}
          data-testid={item.testId}
          styles={{ root: { height: 36, padding: "0 6px" } }}
        >
          {item.iconOnly ? null : item.text}
        </ActionButton>
      ))}
    </div>
  );
}
