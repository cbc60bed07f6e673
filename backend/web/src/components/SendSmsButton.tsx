import { DefaultButton, MessageBar, MessageBarType } from "@fluentui/react";

interface SendSmsButtonProps {
  /** Whether a code has been sent: the button then offers to send it again. */
  sent: boolean;
  sendLabel: string;
  resendLabel: string;
  /** The confirmation shown once a code is on its way. */
  sentText: string;
  disabled: boolean;
  onSend(): void;
  testId: string;
}

/** "Send code by SMS" that becomes "Send again", with the confirmation under it. */
export function SendSmsButton({
  sent,
  sendLabel,
  resendLabel,
  sentText,
  disabled,
  onSend,
  testId,
}: SendSmsButtonProps) {
  return (
    <div>
      <DefaultButton onClick={onSend} disabled={disabled} data-testid={testId}>
        {sent ? resendLabel : sendLabel}
      </DefaultButton>
      {sent ? (
        <MessageBar messageBarType={MessageBarType.success} styles={{ root: { marginTop: 8 } }}>
          {sentText}
        </MessageBar>
      ) : null}
    </div>
  );
}
