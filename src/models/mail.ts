/**
 * Calls that send an email, as data: what a route does when it mails someone. missing-rate-limit reads
 * them in a public route's handler and the project functions it calls (a contact form under another
 * name, an abuse report mailed to the operator, a guest's "send me the link"), where each request is
 * one more message sent in the application's name.
 *
 * Matched against source text, so each entry is a shape distinctive of mail: nodemailer's
 * `transporter.sendMail(...)`, Resend's `resend.emails.send(...)`, SendGrid's `sgMail.send(...)`,
 * Postmark's `client.sendEmail(...)` / `sendEmailWithTemplate(...)`, AWS SES's `new SendEmailCommand(...)`,
 * and a project's own `sendEmail(...)` / `sendMail(...)` helper. A bare `.send(` (an HTTP response, a queue) is not mail.
 */
export const MAIL_SENDING_CALL =
  /(?:\.\s*|\b)sendMail\s*\(|\.\s*emails\s*\.\s*send\s*\(|\bsgMail\s*\.\s*send(?:Multiple)?\s*\(|\bsendEmail(?:WithTemplate|Batch)?\s*\(|\bnew\s+Send(?:Raw|Templated|Bulk)?EmailCommand\s*\(/;
