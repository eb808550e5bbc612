import { createHash, randomBytes, scrypt as scryptCallback, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import { query } from '../db.js';

const scrypt = promisify(scryptCallback) as (password: string, salt: Buffer, keylen: number) => Promise<Buffer>;

export interface User {
  id: string;
  email: string;
  role: 'customer' | 'admin';
  passwordHash: string;
}

export async function findByEmail(email: string): Promise<User | undefined> {
  const rows = await query<User>(
    'SELECT id, email, role, password_hash AS "passwordHash" FROM users WHERE lower(email) = lower($1)',
    [email],
  );
  return rows[0];
}

export async function createUser(email: string, password: string): Promise<User> {
  const salt = randomBytes(16);
  const hash = await scrypt(password, salt, 64);
  const passwordHash = `${salt.toString('hex')}:${hash.toString('hex')}`;
  const rows = await query<User>(
    `INSERT INTO users (email, role, password_hash) VALUES ($1, 'customer', $2)
     RETURNING id, email, role, password_hash AS "passwordHash"`,
    [email, passwordHash],
  );
  return rows[0];
}

export async function verifyPassword(user: User, password: string): Promise<boolean> {
  const [saltHex, hashHex] = user.passwordHash.split(':');
  const expected = Buffer.from(hashHex, 'hex');
  const actual = await scrypt(password, Buffer.from(saltHex, 'hex'), expected.length);
  return timingSafeEqual(expected, actual);
}

/** Gravatar-style avatar id; not a secret. */
export function avatarId(email: string): string {
  return createHash('md5').update(email.trim().toLowerCase()).digest('hex');
}
