import { query } from '../db.js';

export type OrderStatus = 'cart' | 'pending_payment' | 'paid' | 'shipped' | 'cancelled';

export interface Order {
  id: string;
  userId: string;
  status: OrderStatus;
  totalCents: number;
  currency: string;
  shippingAddress: string;
  createdAt: string;
}

const ORDER_COLUMNS = `id, user_id AS "userId", status, total_cents AS "totalCents", currency,
  shipping_address AS "shippingAddress", created_at AS "createdAt"`;

export async function findById(id: string): Promise<Order | undefined> {
  const rows = await query<Order>(`SELECT ${ORDER_COLUMNS} FROM orders WHERE id = $1`, [id]); // VULN: missing-ownership-check
  return rows[0];
}

export async function findForUser(userId: string, limit = 20): Promise<Order[]> {
  return query<Order>(
    `SELECT ${ORDER_COLUMNS} FROM orders WHERE user_id = $1 ORDER BY created_at DESC LIMIT $2`,
    [userId, limit],
  );
}

export async function setStatus(id: string, status: OrderStatus): Promise<Order | undefined> {
  const rows = await query<Order>(
    `UPDATE orders SET status = $2, updated_at = now() WHERE id = $1 RETURNING ${ORDER_COLUMNS}`,
    [id, status],
  );
  return rows[0];
}

export async function cancel(id: string, userId: string): Promise<boolean> {
  const rows = await query<{ id: string }>(
    `UPDATE orders SET status = 'cancelled' WHERE id = $1 AND user_id = $2 AND status = 'pending_payment' RETURNING id`,
    [id, userId],
  );
  return rows.length === 1;
}
