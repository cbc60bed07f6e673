/** The plaintext inside a message's content JWE (docs/format.md §3): the schema shared with the backend. */
export {
  FORMAT_VERSION,
  attachmentIdPattern,
  parseMessageContent,
  parseMessageContentJson,
  serializeMessageContent,
  type AttachmentInfo,
  type MessageContent,
} from "#shared/messageContent.js";
