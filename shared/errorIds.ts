/**
 * Every error id the API answers with, once: its HTTP status and the server's default English
 * message. The backend builds its errors from this list (`appError` in backend/src/errors.ts);
 * the web app and the add-in show the translated `errors.<id>` text for each id, and a test
 * checks that every id has Swedish and English text in both.
 */
export const errorCatalogue = {
  // Requests
  validation_error: { status: 400, message: "The request is not valid" },
  invalid_json: { status: 400, message: "The request body is not valid JSON" },
  invalid_argument: { status: 400, message: "An argument is not valid" },
  bad_request: { status: 400, message: "Bad request" },
  not_found: { status: 404, message: "Not found" },
  method_not_allowed: { status: 405, message: "Method not allowed" },
  conflict: { status: 409, message: "That already exists" },
  payload_too_large: { status: 413, message: "The request body is too large" },
  request_headers_too_large: { status: 431, message: "The address or the request headers are too long" },
  unsupported_media_type: { status: 415, message: "Unsupported content type" },
  rate_limited: { status: 429, message: "Too many requests; try again later" },
  internal_error: { status: 500, message: "Something went wrong on our side" },
  service_unavailable: { status: 503, message: "Service unavailable" },

  // Signing in and sessions
  authentication_required: { status: 401, message: "Sign in to continue" },
  invalid_credentials: { status: 401, message: "The e-mail address or password is wrong" },
  invalid_token: { status: 401, message: "The token is not valid" },
  account_not_found: { status: 401, message: "No account matches that sign-in" },
  forbidden: { status: 403, message: "You are not allowed to do that" },
  csrf_failed: { status: 403, message: "The request is missing its CSRF token; reload the page" },
  https_required: {
    status: 400,
    message: "This server only signs in over HTTPS; the request arrived without TLS",
  },
  account_locked: { status: 423, message: "The account is locked. Reset your password to unlock it." },
  not_a_session: { status: 400, message: "That is only possible in a signed-in browser session" },
  not_signing_in: {
    status: 409,
    message: "Recovery is for the second step of sign-in; use the security settings instead",
  },
  microsoft_sign_in_disabled: { status: 404, message: "Microsoft sign-in is not set up" },
  entra_tenant_taken: {
    status: 409,
    message: "That Microsoft tenant is already connected to another organisation",
  },
  microsoft_account_mismatch: {
    status: 403,
    message: "This Kuvert account is linked to another Microsoft account",
  },
  microsoft_second_factor_required: {
    status: 401,
    message: "Sign in with Kuvert's two-step verification; Microsoft sign-in does not replace it here",
  },

  // Codes, passwords, second factors, phones
  invalid_code: { status: 400, message: "The code is wrong or has expired" },
  too_many_code_failures: { status: 429, message: "Too many wrong codes today; try again tomorrow" },
  invalid_password: { status: 403, message: "The password is wrong" },
  password_not_set: {
    status: 409,
    message: "The account has no Kuvert password yet; choose one in the secure mailbox first",
  },
  key_unavailable: {
    status: 409,
    message: "Your key cannot be unlocked here yet; sign in to the secure mailbox once with your password",
  },
  same_password: { status: 400, message: "Choose a password other than the current one" },
  password_too_short: { status: 422, message: "The password is too short" },
  password_too_long: { status: 422, message: "The password is too long" },
  password_needs_letters_and_digits: { status: 422, message: "The password needs both letters and digits" },
  password_too_common: { status: 422, message: "That password is too common" },
  verification_required: { status: 403, message: "Confirm with a second factor first" },
  totp_already_enabled: { status: 409, message: "An authenticator app is already active; turn it off first" },
  no_phone: { status: 422, message: "There is no mobile number to send a code to" },
  invalid_phone: {
    status: 422,
    message: "That is not a valid phone number; include the country code, e.g. +46 70 123 45 67",
  },
  phone_exists: { status: 409, message: "That number is already on your account" },
  too_many_phones: { status: 422, message: "There are too many phones on the account" },
  phone_already_verified: { status: 409, message: "That phone is already verified" },
  phone_not_verified: { status: 422, message: "Verify the phone by SMS before making it primary" },
  phone_is_primary: { status: 409, message: "Make another verified phone primary before removing this one" },

  // Accounts and organisations
  account_exists: { status: 409, message: "An account with that e-mail address already exists" },
  user_exists: { status: 409, message: "A user with that e-mail address already exists" },
  organisation_exists: { status: 409, message: "An organisation with that name already exists" },
  terms_not_accepted: { status: 400, message: "Accept the terms to continue" },
  email_mismatch: { status: 400, message: "That is not the e-mail address the message was sent to" },
  auto_reply_text_required: { status: 422, message: "Write the auto-reply text before turning it on" },
  auto_reply_period_invalid: { status: 422, message: "The auto-reply must end after it starts" },
  audit_chain_broken: { status: 409, message: "The audit chain is broken" },

  // Contacts and folders
  contact_exists: { status: 409, message: "There is already a contact with that e-mail address" },
  too_many_contacts: { status: 409, message: "There are too many contacts" },
  folder_exists: { status: 409, message: "You already have a folder with that name" },
  invalid_name: { status: 422, message: "The folder needs a name" },
  too_many_folders: { status: 422, message: "There are too many folders" },

  // Sending
  invalid_mobile: { status: 422, message: "A mobile number is not valid; use international form, e.g. +46701234567" },
  mobile_required: { status: 422, message: "A mobile number is needed for recipients who are new to Kuvert" },
  recipient_unavailable: { status: 422, message: "A recipient's account is deactivated" },
  recipient_registered: { status: 409, message: "The recipient has already registered" },
  invalid_expiry: { status: 422, message: "The expiry date must be in the future" },
  no_recipients: { status: 422, message: "Add at least one recipient other than yourself" },
  invalid_encrypted_message: { status: 422, message: "The encrypted message is not valid" },
  not_a_draft: { status: 409, message: "That message is not a draft" },
  plan_reply_only: { status: 403, message: "Your plan lets you reply to secure messages, not start new ones" },
  plan_quota_exceeded: { status: 403, message: "Your plan's monthly message quota is used up" },
  subject_not_allowed: {
    status: 422,
    message: "Your organisation does not allow personal data in the subject: change it to send",
  },
  signature_required: {
    status: 422,
    message: "Your organisation's signature is required and has changed; send again to include the current one",
  },
  notification_placeholder_missing: {
    status: 422,
    message: "The text must keep its placeholder (for example {code})",
  },
  notification_placeholder_unknown: {
    status: 422,
    message: "The text has a placeholder that cannot be used there",
  },
  logo_invalid: { status: 422, message: "The logo must be a PNG or JPEG image" },
  logo_too_large: { status: 413, message: "The logo is too large" },

  // Reading
  keys_locked: { status: 403, message: "Sign in with your password to unlock your messages" },
  id_check_required: { status: 403, message: "This message needs an SMS ID check before it opens" },
  id_check_not_required: { status: 409, message: "This message has no ID check" },
  reveal_required: { status: 403, message: "Open the message first" },
  reveal_in_web: { status: 403, message: "Open this message in the secure web mailbox" },
  eyes_only: { status: 403, message: "This message is for your eyes only: it cannot be downloaded" },
  invalid_link: { status: 404, message: "The link is not valid" },
  link_expired: { status: 410, message: "The link has expired" },
  link_retired: {
    status: 410,
    message: "Too many wrong codes were entered with this link; ask the sender to send the message again",
  },
  message_expired: { status: 410, message: "The message has expired and can no longer be read" },
  message_burned: { status: 410, message: "The message has been destroyed and can no longer be read" },
  message_shredded: { status: 410, message: "The message has been deleted for good and can no longer be read" },
  message_key_lost: {
    status: 410,
    message: "The message was encrypted to a key that no longer exists (zero-access password reset)",
  },

  // Attachments
  attachment_too_large: { status: 413, message: "The attachment is too large" },
  attachment_exists: { status: 409, message: "An attachment with this id exists" },
  attachment_upload_pending: { status: 409, message: "An attachment is still being uploaded" },
  attachment_damaged: { status: 500, message: "The stored attachment is damaged" },
  invalid_attachment_stream: { status: 400, message: "The encrypted attachment stream is not valid" },
  chunk_size_mismatch: { status: 400, message: "The chunk does not have the expected size" },
  upload_incomplete: { status: 409, message: "The upload is missing chunks" },
  chunk_mismatch: {
    status: 409,
    message: "This chunk was received before with other content; start the upload again",
  },
  // Admin console (issue 10)
  last_admin: {
    status: 409,
    message: "The organisation's last active admin can be neither demoted nor deactivated",
  },
  // Invitations (F23)
  invalid_invitation: { status: 404, message: "This invitation link is not valid" },
  invitation_expired: { status: 410, message: "This invitation has expired; ask your administrator for a new one" },
  invitation_revoked: { status: 410, message: "This invitation has been withdrawn" },
  invitation_used: { status: 410, message: "This invitation has already been answered" },
  invitation_locked: {
    status: 410,
    message: "Too many wrong codes were entered; ask your administrator to send the invitation again",
  },
  invitation_exists: { status: 409, message: "That person already has an open invitation" },
  invitation_closed: { status: 409, message: "That invitation has been answered or withdrawn" },
  invitation_import_invalid: { status: 422, message: "The file has rows with errors; nothing was imported" },
  // Microsoft 365 directory import (issue 10)
  directory_not_configured: {
    status: 409,
    message: "The Microsoft 365 directory is not connected: the operator sets the app registration and your tenant",
  },
  directory_auth_failed: {
    status: 502,
    message: "Microsoft refused Kuvert's sign-in to your directory (app id, secret or certificate, or admin consent)",
  },
  directory_permission_denied: {
    status: 502,
    message:
      "Microsoft Graph refused to read the group: grant admin consent for GroupMember.Read.All and User.Read.All",
  },
  directory_group_not_found: { status: 422, message: "No group with that id in your directory" },
  directory_throttled: { status: 503, message: "Microsoft Graph is busy; try again in a minute" },
  directory_unavailable: { status: 502, message: "Microsoft Graph could not be reached or answered unexpectedly" },
  directory_too_large: { status: 422, message: "The group has more members than one import takes" },
  directory_changed: {
    status: 409,
    message: "The directory or the organisation changed since the preview; nothing was applied, preview again",
  },
  // Shared mailboxes (issue 11, F25)
  mailbox_right_missing: {
    status: 403,
    message: "Your membership of this mailbox does not include that right",
  },
  mailbox_address_taken: { status: 409, message: "That address already belongs to an account or mailbox" },
  mailbox_not_empty: {
    status: 409,
    message: "The mailbox still holds messages: delete it with its messages (they are shredded for the mailbox)",
  },
  mailbox_key_unavailable: {
    status: 409,
    message:
      "The mailbox key cannot be given to the new member here: the organisation is zero-access, so a member who holds the key must add them",
  },
  mailbox_member_invalid: {
    status: 422,
    message: "Members must be active staff or admins of the mailbox's organisation",
  },
} as const satisfies Record<string, { status: number; message: string }>;

/** An error id the API can answer with. */
export type ErrorId = keyof typeof errorCatalogue;

/**
 * Failures the clients make themselves (no server answered, or the user cancelled an upload);
 * they have texts too.
 */
export const clientErrorIds = ["network_error", "aborted"] as const;
export type ClientErrorId = (typeof clientErrorIds)[number];

/** Every id a client may have to put into words. */
export const allErrorIds: readonly (ErrorId | ClientErrorId)[] = [
  ...(Object.keys(errorCatalogue) as ErrorId[]),
  ...clientErrorIds,
];

export function isErrorId(id: string): id is ErrorId {
  return Object.prototype.hasOwnProperty.call(errorCatalogue, id);
}
