/**
 * Bundle entry of the event-based runtime (dist/addin/launchevent.js): loaded by
 * launchevent.html after office.js (web, new Outlook, Mac) or directly by classic Outlook on
 * Windows (JavaScript-only runtime: no DOM). Associates the manifest's handler names.
 */
import { registerWithGlobalOffice } from "../office/launchEvents.js";

registerWithGlobalOffice();
