/** The largest inbound message accepted (SMTP answers 552, HTTP 413). Bounces and replies are small. */
export const INBOUND_MAX_BYTES = 10 * 1024 * 1024;
