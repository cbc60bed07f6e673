/// <reference types="office-js" />
/**
 * Entry point of the event-based runtime (manifest: Runtime LaunchEvent.Url / LaunchEventJs.Url):
 * associates the manifest's FunctionName "onMessageSendHandler" with the Smart Alerts handler.
 * Lives here because it touches Office.* (Office.actions).
 */
import { onMessageSend, type SendEventLike } from "../launchevents/onMessageSend.js";
import { createOfficeAdapter } from "./adapter.js";
import type { OfficeLike } from "./officeTypes.js";

export interface OfficeWithActions extends OfficeLike {
  actions: { associate(actionId: string, actionFunction: (event: SendEventLike) => void): void };
}

// Compile-time check: the real Office namespace can be passed in.
export type OfficeActionsFit = typeof Office extends OfficeWithActions ? true : never;
const fits: OfficeActionsFit = true;
void fits;
// …and Office's MailboxEvent accepts the handler's completion options.
const eventFits = (e: Office.MailboxEvent): SendEventLike => e;
void eventFits;

/** Associates every launch-event handler named in manifest.xml. */
export function registerLaunchEvents(office: OfficeWithActions): void {
  office.actions.associate("onMessageSendHandler", (event) => {
    void onMessageSend(event, createOfficeAdapter(office));
  });
}

/** Run in the launch-event page/script once office.js has loaded. */
export function registerWithGlobalOffice(): void {
  const g = globalThis as { Office?: OfficeWithActions };
  if (g.Office) registerLaunchEvents(g.Office);
}
