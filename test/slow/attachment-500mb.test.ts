import { describeLargeAttachmentRoundTrip } from "../support/largeAttachment.js";

describeLargeAttachmentRoundTrip("slow: a 500 MB attachment through the real server", 240_000, {
  label: "on the filesystem",
});
