import { Router } from 'express';
import { logger } from '../logger.js';
import { requireAuth } from '../middleware/require-auth.js';
import * as orders from '../services/order-service.js';
import { chargeOrder } from '../services/payment-service.js';

export const checkoutRouter = Router();

checkoutRouter.post('/orders/:id/finalize', requireAuth, async (req, res, next) => { // VULN: missing-state-guard
  try {
    const order = await orders.findById(req.params.id);
    if (!order || order.userId !== req.user!.sub) {
      res.status(404).json({ error: 'order not found' });
      return;
    }
    // Charges and marks the order paid whatever its current status (cart, cancelled, already paid ...).
    const payment = await chargeOrder(order, String(req.body.paymentMethodId));
    if (payment.status === 'failed') {
      res.status(402).json({ error: 'payment failed' });
      return;
    }
    const updated = await orders.setStatus(order.id, 'paid');
    logger.info('order finalized', { orderId: order.id, paymentIntentId: payment.paymentIntentId });
    res.json({ order: updated, payment });
  } catch (err) {
    next(err);
  }
});
