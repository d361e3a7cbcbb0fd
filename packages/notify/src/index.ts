// @mixcast/notify: how Mixcast reaches people and systems outside it. One mail transport for web
// (verification, invitations) and worker (alert email), and the address guard every outgoing
// webhook goes through.
export {
  DEV_TRANSPORT_LABEL,
  devConsoleMailer,
  devConsoleMailerWith,
  mailerFor,
  smtpMailer,
  type MailMessage,
  type Mailer,
} from "./mailer.ts";
export {
  addressRefusal,
  literalHostRefusal,
  parseAllowedNetworks,
  type AllowedNetworks,
} from "./webhook-address.ts";
export {
  postWebhook,
  WebhookAddressError,
  type PostWebhookOptions,
  type ResolveHost,
  type WebhookResponse,
} from "./post-webhook.ts";
