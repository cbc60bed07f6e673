import { ActionButton, ContextualMenuItemType, type IButtonStyles, type IContextualMenuProps } from "@fluentui/react";
import { useTranslation } from "react-i18next";
import { useNavigate } from "react-router";
import type { CurrentUser } from "../api/auth.js";
import { useSession } from "../session/SessionContext.js";
import { colors } from "../theme.js";

const onDark: IButtonStyles = {
  root: { color: colors.onPrimary, height: 40, maxWidth: "min(240px, 45vw)", minWidth: 0, flexShrink: 1 },
  flexContainer: { minWidth: 0 },
  textContainer: { minWidth: 0, overflow: "hidden" },
  rootHovered: { color: colors.onPrimary, background: colors.primaryDarker },
  rootPressed: { color: colors.onPrimary, background: colors.primaryDarker },
  rootExpanded: { color: colors.onPrimary, background: colors.primaryDarker },
  label: { display: "block", overflow: "hidden", textOverflow: "ellipsis", whiteSpace: "nowrap" },
  menuIcon: { color: colors.onPrimary },
  menuIconHovered: { color: colors.onPrimary },
  menuIconExpanded: { color: colors.onPrimary },
};

/** The name menu in the header: the place to sign out, as in the product. */
export function UserMenu({ user }: { user: CurrentUser }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const { signOut } = useSession();

  const menuProps: IContextualMenuProps = {
    items: [
      { key: "email", text: user.email, itemType: ContextualMenuItemType.Header },
      {
        key: "settings",
        text: t("shell.settings"),
        iconProps: { iconName: "Settings" },
        onClick: () => {
          navigate("/settings");
        },
      },
      ...(user.role === "admin" && user.organisation
        ? [
            {
              key: "admin",
              text: t("shell.admin"),
              iconProps: { iconName: "Admin" },
              "data-testid": "menu-admin",
              onClick: () => {
                navigate("/admin");
              },
            },
          ]
        : []),
      {
        key: "signout",
        text: t("shell.signOut"),
        iconProps: { iconName: "SignOut" },
        onClick: () => {
          void signOut();
        },
      },
    ],
  };
  return (
    <ActionButton
      styles={onDark}
      menuProps={menuProps}
      data-testid="user-menu"
      aria-label={t("shell.userMenu", { name: user.name ?? user.email })}
    >
      {user.name ?? user.email}
    </ActionButton>
  );
}
