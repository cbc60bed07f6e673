export interface OutgoingSms {
  to: string;
  message: string;
  /** Stable per outbox entry; providers that support it use it to drop duplicates. */
  idempotencyKey: string;
}

export interface SmsProvider {
  readonly name: string;
  send(sms: OutgoingSms): Promise<{ providerId: string }>;
}
