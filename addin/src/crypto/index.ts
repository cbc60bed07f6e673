/** Client-side message crypto, format v1 (docs/format.md). WebCrypto only. */
export * from "./content.js";
export * from "./jwe.js";
export * from "./attachmentStream.js";
export { b64u, fromB64u, toHex, fromHex, type Bytes } from "./bytes.js";
