/**
 * In the page (bundled by officeInPage.ts): the fake Outlook host of fakeOffice.ts as
 * `window.Office`, with legacy Office SSO and the NAA bridge as the test asks. See officeInPage.ts.
 */
import { FakeComposeItem, FakeReadItem, fakeOffice, type FakeOffice } from "./fakeOffice.js";
import type { HostRecord, InPageHostOptions } from "./officeInPage.js";

export interface PageGlobals {
  Office: unknown;
  nestedAppAuthBridge?: unknown;
  __host: { office: FakeOffice; record: HostRecord };
  __entraToken(scope: string, clientId: string): Promise<string>;
  __legacyToken(): Promise<string>;
  __installOutlookHost(opts: InPageHostOptions): void;
}

/** Runs in the page (bundled). */
function install(opts: InPageHostOptions): void {
  const w = window as unknown as PageGlobals;
  const compose = new FakeComposeItem({ canSend: true });
  let item: FakeComposeItem | FakeReadItem = compose;
  if (opts.read) {
    const read = new FakeReadItem();
    read.subject = opts.read.subject;
    read.bodyHtml = opts.read.bodyHtml;
    item = read;
  } else if (opts.item) {
    compose.toList = (opts.item.to ?? []).map((e) => ({ emailAddress: e, displayName: e }));
    compose.subjectText = opts.item.subject ?? "";
    compose.bodyHtml = opts.item.bodyHtml ?? "<p></p>";
    compose.fromAddress = opts.item.from ? { emailAddress: opts.item.from, displayName: opts.item.from } : null;
    compose.sharedOwner = opts.item.sharedOwner ?? null;
  }
  const office = fakeOffice(item, {
    displayLanguage: opts.displayLanguage,
    httpDialogs: true, // the test server is plain HTTP on loopback
  });
  Object.assign(office.supported, opts.sets);
  const record: HostRecord = { bridge: [], legacyCalls: 0, dialogs: [] };
  const displayDialogAsync = office.context.ui.displayDialogAsync.bind(office.context.ui);
  office.context.ui.displayDialogAsync = (url, options, cb) => {
    record.dialogs.push(url);
    displayDialogAsync(url, options, cb);
  };
  if (opts.legacy !== null) {
    const legacy = opts.legacy;
    office.auth = {
      async getAccessToken() {
        record.legacyCalls += 1;
        if (legacy !== "token") throw { code: legacy, name: "Error", message: `Office SSO error ${legacy}` };
        return w.__legacyToken();
      },
    };
  }
  if (opts.naa) {
    const naa = opts.naa;
    const listeners: Array<(data: string) => void> = [];
    const answer = (response: object) =>
      setTimeout(() => {
        for (const l of listeners) l(JSON.stringify({ messageType: "NestedAppAuthResponse", ...response }));
      }, 0);
    w.nestedAppAuthBridge = {
      addEventListener(type: string, listener: (data: string) => void) {
        if (type === "message") listeners.push(listener);
      },
      removeEventListener() {},
      postMessage(message: string) {
        const req = JSON.parse(message) as {
          method: string;
          requestId: string;
          tokenParams?: { scope?: string; clientId?: string };
        };
        record.bridge.push({ method: req.method, scope: req.tokenParams?.scope, clientId: req.tokenParams?.clientId });
        if (req.method === "GetInitContext") {
          answer({
            requestId: req.requestId,
            success: true,
            initContext: { sdkName: "in-test Outlook", sdkVersion: "1.0", capabilities: {}, accountContext: null },
          });
          return;
        }
        const outcome = req.method === "GetTokenPopup" ? naa.popup : naa.silent;
        if (outcome !== "token" || !req.tokenParams?.scope || !req.tokenParams.clientId) {
          answer({
            requestId: req.requestId,
            success: false,
            error: { status: outcome, code: "test", description: outcome },
          });
          return;
        }
        void w.__entraToken(req.tokenParams.scope, req.tokenParams.clientId).then(
          (json) => {
            const t = JSON.parse(json) as {
              accessToken: string;
              idToken: string;
              tid: string;
              oid: string;
              username: string;
            };
            answer({
              requestId: req.requestId,
              success: true,
              token: {
                access_token: t.accessToken,
                id_token: t.idToken,
                expires_in: 3600,
                scope: req.tokenParams!.scope,
              },
              account: {
                homeAccountId: `${t.oid}.${t.tid}`,
                environment: "login.microsoftonline.com",
                tenantId: t.tid,
                username: t.username,
                localAccountId: t.oid,
                name: t.username,
              },
            });
          },
          (err: Error) =>
            answer({
              requestId: req.requestId,
              success: false,
              error: { status: "PERSISTENT_ERROR", code: "test", description: err.message },
            }),
        );
      },
    };
  }
  w.Office = {
    ...office,
    onReady(cb?: (info: { host: string; platform: string }) => void) {
      return new Promise((resolve) =>
        setTimeout(() => {
          const info = { host: "Outlook", platform: "OfficeOnline" };
          cb?.(info);
          resolve(info);
        }, 0),
      );
    },
  };
  w.__host = { office, record };
}

(globalThis as unknown as Partial<PageGlobals>).__installOutlookHost = install;
