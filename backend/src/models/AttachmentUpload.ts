import {
  DataTypes,
  Model,
  type CreationOptional,
  type InferAttributes,
  type InferCreationAttributes,
  type Sequelize,
} from "sequelize";

/**
 * A resumable attachment upload in progress (services/attachments/chunkedUpload.ts). `id` becomes
 * the attachment's id; `meta` is encrypted like Attachment.meta; `chunks` is a JSON list with,
 * for each received (encrypted) chunk, `{key, mac}` — its blob key and a keyed hash of its
 * plaintext, so a re-sent chunk is only accepted with the same bytes (no GCM nonce reuse) — or
 * null. Uploads started before the hash was kept hold a bare blob key.
 *
 * `preEncrypted` (the add-in's form): the client encrypts, each chunk is exactly the records of
 * the v1 stream it holds, stored as it arrives; `noncePrefix` is the one of the client's stream
 * header, `meta` is empty (name, type and size go in the client's content JWE) and `mac` is the
 * SHA-256 of the chunk's ciphertext.
 */
export class AttachmentUpload extends Model<
  InferAttributes<AttachmentUpload>,
  InferCreationAttributes<AttachmentUpload>
> {
  declare id: string;
  declare messageId: string;
  declare meta: string;
  declare size: number;
  declare chunkSize: number;
  declare noncePrefix: string;
  declare chunks: string;
  declare preEncrypted: CreationOptional<boolean>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize): void {
    AttachmentUpload.init(
      {
        id: { type: DataTypes.UUID, primaryKey: true },
        messageId: { type: DataTypes.UUID, allowNull: false },
        meta: { type: DataTypes.TEXT, allowNull: false },
        size: {
          type: DataTypes.BIGINT,
          allowNull: false,
          get(this: AttachmentUpload) {
            return Number(this.getDataValue("size"));
          },
        },
        chunkSize: { type: DataTypes.INTEGER, allowNull: false },
        noncePrefix: { type: DataTypes.STRING(14), allowNull: false },
        chunks: { type: DataTypes.TEXT, allowNull: false },
        preEncrypted: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
        createdAt: DataTypes.DATE(3),
        updatedAt: DataTypes.DATE(3),
      },
      { sequelize, tableName: "attachment_uploads", underscored: true },
    );
  }

  chunkEntries(): Array<UploadChunk | null> {
    const raw = JSON.parse(this.chunks) as Array<string | UploadChunk | null>;
    return raw.map((c) => (typeof c === "string" ? { key: c, mac: null } : c));
  }

  chunkKeys(): Array<string | null> {
    return this.chunkEntries().map((c) => c?.key ?? null);
  }
}

/** One received chunk: its blob key and the hex HMAC of its plaintext (null for legacy rows). */
export interface UploadChunk {
  key: string;
  mac: string | null;
}
