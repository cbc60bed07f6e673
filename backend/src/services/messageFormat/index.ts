/** Message format v1 (docs/format.md): content JWE, key envelopes, attachment streams. */
export * from "./content.js";
export * from "./jwe.js";
export * from "./attachmentStream.js";
