import { config } from '../config.js';
import { logger } from '../logger.js';
import type { Order } from './order-service.js';

export interface PaymentResult {
  paymentIntentId: string;
  status: 'succeeded' | 'requires_action' | 'failed';
}

export async function chargeOrder(order: Order, paymentMethodId: string): Promise<PaymentResult> {
  const body = new URLSearchParams({
    amount: String(order.totalCents),
    currency: order.currency,
    payment_method: paymentMethodId,
    confirm: 'true',
    'metadata[order_id]': order.id,
  });

  const response = await fetch('https://api.stripe.com/v1/payment_intents', {
    method: 'POST',
    headers: {
      Authorization: `Bearer ${config.stripe.secretKey}`,
      'Content-Type': 'application/x-www-form-urlencoded',
      'Idempotency-Key': `order-${order.id}`,
    },
    body,
  });

  const intent = (await response.json()) as { id: string; status: string };
  if (!response.ok) {
    logger.warn('payment failed', { orderId: order.id, status: response.status });
    return { paymentIntentId: intent.id ?? '', status: 'failed' };
  }
  return {
    paymentIntentId: intent.id,
    status: intent.status === 'succeeded' ? 'succeeded' : 'requires_action',
  };
}
