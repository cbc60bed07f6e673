import fs from "node:fs";
import path from "node:path";
import { expect } from "chai";
import i18next, { type TFunction } from "i18next";
import { allErrorIds } from "#shared/errorIds.js";
import { ApiError } from "#shared/api/client.js";
import { errorText } from "#shared/api/errorText.js";

type Tree = { [key: string]: string | Tree };
const read = (file: string) => JSON.parse(fs.readFileSync(path.resolve(file), "utf8")) as Tree;

/** The `errors` section of each app's locale, per language. */
const apps = {
  "web app": { sv: read("backend/web/src/locales/sv.json"), en: read("backend/web/src/locales/en.json") },
  "add-in": { sv: read("addin/src/taskpane/locales/sv.json"), en: read("addin/src/taskpane/locales/en.json") },
};

async function translator(resources: { sv: Tree; en: Tree }, lng: "sv" | "en"): Promise<TFunction> {
  const instance = i18next.createInstance();
  await instance.init({
    lng,
    fallbackLng: false,
    resources: { sv: { translation: resources.sv }, en: { translation: resources.en } },
    interpolation: { escapeValue: false },
  });
  return instance.t;
}

describe("errors.<id> texts (web app and add-in)", () => {
  for (const [app, resources] of Object.entries(apps)) {
    for (const lang of ["sv", "en"] as const) {
      it(`${app}, ${lang}: every error id in shared/errorIds.ts has a text`, () => {
        const errors = resources[lang].errors as Record<string, unknown>;
        const missing = allErrorIds.filter((id) => typeof errors[id] !== "string" || !String(errors[id]).trim());
        expect(missing).to.deep.equal([]);
        expect(errors.generic, "errors.generic").to.be.a("string").and.match(/\S/);
      });
    }
  }

  it("the wrong-password and lock texts name no number of attempts (the org's lockout policy sets it)", () => {
    const texts: string[] = [];
    for (const resources of Object.values(apps)) {
      for (const lang of ["sv", "en"] as const) {
        const errors = resources[lang].errors as Record<string, string>;
        texts.push(errors.invalid_credentials!, errors.account_locked!);
      }
    }
    const unlock = (lang: "sv" | "en") => ((apps["add-in"][lang].read as Tree).unlock as Tree).wrong as string;
    texts.push(unlock("sv"), unlock("en"));
    const counted = /\b(\d+|en|ett|två|tre|fyra|fem|one|two|three|four|five)\b/i;
    expect(texts.filter((text) => counted.test(text))).to.deep.equal([]);
  });

  it("translates an ApiError by its id, and anything else as the generic text", async () => {
    const t = await translator(apps["web app"], "sv");
    expect(errorText(t, new ApiError(401, "invalid_credentials", "wrong"))).to.equal(
      "E-postadressen eller lösenordet stämmer inte. Efter för många misslyckade försök låses kontot.",
    );
    const generic = t("errors.generic");
    expect(errorText(t, new Error("boom"))).to.equal(generic);
    // An id the locale lacks (a newer server) falls back to the generic text, never the English message.
    const unknown = new ApiError(409, "conflict", "x");
    const bare = await translator({ sv: { errors: { generic } }, en: { errors: { generic } } }, "sv");
    expect(errorText(bare, unknown)).to.equal(generic);
  });

  it("says how long to wait after a rate limit, in seconds or minutes, with plural forms", async () => {
    const sv = await translator(apps["web app"], "sv");
    const en = await translator(apps["add-in"], "en");
    const limited = (seconds: number | null) => new ApiError(429, "rate_limited", "slow down", seconds);
    expect(errorText(sv, limited(null))).to.equal("För många försök. Vänta en stund och försök igen.");
    expect(errorText(sv, limited(1))).to.equal("För många försök. Försök igen om 1 sekund.");
    expect(errorText(sv, limited(30))).to.equal("För många försök. Försök igen om 30 sekunder.");
    expect(errorText(en, limited(61))).to.equal("Too many attempts. Try again in 2 minutes.");
    expect(errorText(en, limited(60))).to.equal("Too many attempts. Try again in 1 minute.");
  });

  it("the add-in speaks of the connection to Kuvert and of its own sign-in", async () => {
    const t = await translator(apps["add-in"], "sv");
    expect(errorText(t, new ApiError(0, "network_error", "x"))).to.contain("Ingen kontakt med Kuvert");
    expect(errorText(t, new ApiError(401, "authentication_required", "x"))).to.contain("Din inloggning har gått ut");
  });
});
