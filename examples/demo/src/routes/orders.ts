import { Router } from 'express';
import { pool } from '../db.js';
import { requireAuth } from '../middleware/require-auth.js';
import * as orders from '../services/order-service.js';

export const ordersRouter = Router();

ordersRouter.use(requireAuth);

// List the signed-in customer's orders, optionally filtered and sorted.
ordersRouter.get('/', async (req, res, next) => {
  try {
    const status = typeof req.query.status === 'string' ? req.query.status : 'paid';
    const sort = typeof req.query.sort === 'string' ? req.query.sort : 'created_at';
    const sql =
      "SELECT id, status, total_cents, created_at FROM orders WHERE user_id = '" + req.user!.sub + "' AND status = '" + status + "' ORDER BY " + sort;
    const { rows } = await pool.query(sql); // VULN: sql-injection
    res.json({ orders: rows });
  } catch (err) {
    next(err);
  }
});

// Recent orders: same data through the parameterized service.
ordersRouter.get('/recent', async (req, res, next) => {
  try {
    const limit = Math.min(Number(req.query.limit ?? 10) || 10, 50);
    res.json({ orders: await orders.findForUser(req.user!.sub, limit) });
  } catch (err) {
    next(err);
  }
});

ordersRouter.get('/:id', async (req, res, next) => {
  try {
    const order = await orders.findById(req.params.id);
    if (!order) {
      res.status(404).json({ error: 'order not found' });
      return;
    }
    res.json(order);
  } catch (err) {
    next(err);
  }
});

ordersRouter.post('/:id/cancel', async (req, res, next) => {
  try {
    const cancelled = await orders.cancel(req.params.id, req.user!.sub);
    res.status(cancelled ? 200 : 409).json({ cancelled });
  } catch (err) {
    next(err);
  }
});
