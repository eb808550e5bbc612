import session from 'express-session';
import jwt from 'jsonwebtoken';

export interface AccessTokenPayload {
  sub: string;
  role: 'customer' | 'admin';
}

const env = process.env;

export const config = {
  env: env.NODE_ENV ?? 'development',
  port: Number(env.PORT ?? 3000),
  logLevel: env.LOG_LEVEL ?? 'info',

  // TODO: the ops team will move these to the secrets manager after launch
  databaseUrl: env.DATABASE_URL ?? 'postgres://acme_app:VdLtbJ2RIvMSu16ocRAa@db.acme-shop.internal:5432/acme', // VULN: hardcoded-secret
  readReplicaUrl: env.READ_REPLICA_URL ?? 'postgres://localhost:5432/acme',

  stripe: {
    secretKey: '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', // VULN: hardcoded-secret
    // Publishable keys are meant to ship to browsers.
    publishableKey: 'pk_live_AkqdYFug1EHFF9ZKEdKYkHaJD0NKQnTG2Rouea4M3pbPbpoxRqnqLDsTRI6GAbkqTzvbcZDrTp8n63nTTSAF3FX42rECm1n3DJy',
    webhookSecret: env.STRIPE_WEBHOOK_SECRET ?? '',
  },

  aws: {
    region: env.AWS_REGION ?? 'eu-west-1',
    invoiceBucket: env.INVOICE_BUCKET ?? 'acme-shop-invoices',
    accessKeyId: 'AKIAXXOTEBVMZWXRBL6F', // VULN: hardcoded-secret
    secretAccessKey: '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', // VULN: hardcoded-secret
  },

  sendgrid: {
    apiKey: env.SENDGRID_API_KEY ?? '',
    from: env.ORDER_EMAIL_FROM ?? 'orders@acme.example',
  },

  jwtIssuer: 'https://auth.acme.example',
  passwordResetTokenTtl: '15m',
};

export const sessionMiddleware = session({
  name: 'acme.sid',
  secret: 'G51HlRVqSBUvKK!J1unK5%GHJfqoo!vX', // VULN: hardcoded-secret
  resave: false,
  saveUninitialized: false,
  cookie: { httpOnly: true, secure: config.env === 'production', maxAge: 1000 * 60 * 60 * 8 },
});

export function signAccessToken(payload: AccessTokenPayload): string {
  return jwt.sign(payload, 'VFVUCioUtYH6QK6ymXGKBsMbNO8hftfRNTmkFh0W', { expiresIn: '12h' }); // VULN: hardcoded-secret
}

export function verifyAccessToken(token: string): AccessTokenPayload {
  return jwt.verify(token, 'VFVUCioUtYH6QK6ymXGKBsMbNO8hftfRNTmkFh0W') as AccessTokenPayload; // VULN: hardcoded-secret
}
