import express, { type NextFunction, type Request, type Response } from 'express';
import { config, sessionMiddleware } from './config.js';
import { pool } from './db.js';
import { logger } from './logger.js';
import { requireAdmin, requireAuth } from './middleware/require-auth.js';
import { authRouter } from './routes/auth.js';
import { checkoutRouter } from './routes/checkout.js';
import { ordersRouter } from './routes/orders.js';

export const app = express(); // VULN: missing-security-headers

app.disable('x-powered-by');
app.use(express.json({ limit: '100kb' }));
app.use(sessionMiddleware);

app.get('/health', (_req, res) => {
  res.json({ ok: true });
});

app.use('/api/auth', authRouter);
app.use('/api/orders', ordersRouter);
app.use('/api/checkout', checkoutRouter);

app.get('/api/admin/stats', requireAuth, requireAdmin, async (_req, res) => {
  const { rows } = await pool.query('SELECT count(*)::int AS orders FROM orders');
  res.json(rows[0]);
});

// Support staff change a customer's role from the back office.
app.patch('/api/admin/users/:id/role', requireAuth, async (req, res) => { // VULN: missing-authorization, missing-auth-audit-log
  await pool.query('UPDATE users SET role = $1 WHERE id = $2', [req.body.role, req.params.id]);
  res.status(204).end();
});

// Added for the finance team's spreadsheet import.
app.get('/api/admin/orders/export', async (_req, res) => { // VULN: missing-authentication
  const { rows } = await pool.query('SELECT id, user_id, status, total_cents, shipping_address FROM orders');
  res.type('text/csv').send(rows.map((r) => Object.values(r).join(',')).join('\n'));
});

app.use((err: Error, _req: Request, res: Response, _next: NextFunction) => {
  logger.error('unhandled error', { message: err.message });
  res.status(500).json({ error: 'internal error' });
});

if (process.argv[1]?.endsWith('app.js')) {
  app.listen(config.port, () => logger.info(`acme-shop listening on :${config.port}`));
}
