import { Router } from 'express';
import { signAccessToken } from '../config.js';
import { logger } from '../logger.js';
import { createUser, findByEmail, verifyPassword } from '../services/user-service.js';

export const authRouter = Router();

authRouter.post('/login', async (req, res, next) => { // VULN: missing-rate-limit
  try {
    const { email, password } = req.body as { email?: string; password?: string };
    logger.info(`login attempt email=${email} password=${password}`); // VULN: sensitive-data-in-logs
    if (!email || !password) {
      res.status(400).json({ error: 'email and password are required' });
      return;
    }
    const user = await findByEmail(email);
    if (!user || !(await verifyPassword(user, password))) {
      res.status(401).json({ error: 'invalid credentials' });
      return;
    }
    const token = signAccessToken({ sub: user.id, role: user.role });
    req.session.regenerate(() => res.json({ token }));
  } catch (err) {
    next(err);
  }
});

authRouter.post('/register', async (req, res, next) => { // VULN: missing-rate-limit
  try {
    const { email, password } = req.body as { email?: string; password?: string };
    if (!email || !password || password.length < 12) {
      res.status(400).json({ error: 'a valid email and a password of 12+ characters are required' });
      return;
    }
    const user = await createUser(email, password);
    logger.info('user registered', { userId: user.id });
    res.status(201).json({ id: user.id, email: user.email });
  } catch (err) {
    next(err);
  }
});
