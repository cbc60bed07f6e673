/** The plaintext inside a message's content JWE, format v1: one zod schema shared with the browser. */
export {
  FORMAT_VERSION,
  attachmentIdPattern,
  AttachmentInfoSchema,
  MessageContentSchema,
  parseMessageContent,
  parseMessageContentJson,
  serializeMessageContent,
  type AttachmentInfo,
  type MessageContent,
} from "#shared/messageContent.js";
