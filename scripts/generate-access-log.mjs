// Generates a deterministic access log of the shop fixture (fixtures/apps/shop), for the log-replay
// test and `npm run bench`: customers going through the checkout flow (POST /cart, checkout, pay),
// operators shipping and delivering, cancellations, refused retries (409), requests to paths the
// app does not route, application log lines and malformed lines; and PLANTED flow breaks, each
// listed with what the replay must report for it. Nothing is committed: callers write it to a
// temp folder.
//
// Lines are written in the order a server would write them, when the response ends (up to 3 s
// after the request's logged time), so files are roughly, not exactly, time-ordered. Customers
// are split across two instances: 'combined' (actor in %u) and 'pino' (actor as the sub of a
// Bearer JWT in the logged headers).

/** The planted kinds: what each does and what the replay must report for it (flow, kind, severity). */
export const PLANTED_KINDS = {
  // deliver twice: an unguarded step repeated.
  'deliver-twice': [{ flow: 'Order.status', kind: 'repeat', severity: 'high' }],
  // deliver straight after pay: the unguarded step reached from PAID instead of SHIPPED.
  'deliver-unshipped': [{ flow: 'Order.status', kind: 'skip', severity: 'high' }],
  // ship before pay went through: a guarded step let through (the guard, or our view of the state, is off).
  'ship-unpaid': [
    { flow: 'Order.status', kind: 'skip', severity: 'medium' },
    { flow: 'checkout', kind: 'skip', severity: 'medium' },
  ],
  // pay twice, both accepted.
  'pay-twice': [
    { flow: 'Order.status', kind: 'repeat', severity: 'medium' },
    { flow: 'checkout', kind: 'repeat', severity: 'medium' },
  ],
  // a new cart, then ship an order never checked out or paid in the log.
  'ship-new-order': [
    { flow: 'Order.status', kind: 'skip', severity: 'medium' },
    { flow: 'checkout', kind: 'skip', severity: 'medium' },
  ],
};

/** Park-Miller: the same log for the same seed on every machine. */
function random(seed) {
  let state = seed % 2147483647 || 1;
  return () => (state = (state * 16807) % 2147483647) / 2147483647;
}

const START = Date.UTC(2026, 11, 1, 0, 0, 0);
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (n, width = 2) => String(n).padStart(width, '0');
function clfTime(ms) {
  const d = new Date(ms);
  return `${pad(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0000`;
}
const base64url = (text) => Buffer.from(text).toString('base64url');
const jwtFor = (sub) => `${base64url('{"alg":"HS256","typ":"JWT"}')}.${base64url(JSON.stringify({ sub, iat: 1764547200 }))}.c2lnbmF0dXJlLW5vdC12ZXJpZmllZA`;

function combinedLine(entry) {
  const user = entry.actor.startsWith('ops-') || entry.instance === 'combined' ? entry.actor : '-';
  return `10.0.${entry.client % 250}.${entry.client % 200} - ${user} [${clfTime(entry.time)}] "${entry.method} ${entry.url} HTTP/1.1" ${entry.status} ${120 + (entry.client % 50)} "-" "shop-client/1.4 (${entry.client % 7})"`;
}

function pinoLine(entry, id) {
  return JSON.stringify({
    level: 30,
    time: entry.time,
    pid: 7,
    hostname: 'api-2',
    req: { id, method: entry.method, url: entry.url, headers: { host: 'shop.example', 'user-agent': 'shop-client/1.4', authorization: `Bearer ${jwtFor(entry.actor)}`, cookie: `sid=s%3A${entry.client}Zk9xQ2pLbW5vcA` }, remoteAddress: `10.1.${entry.client % 250}.9` },
    res: { statusCode: entry.status },
    responseTime: 12,
    msg: 'request completed',
  });
}

/**
 * Yields [instance, line] pairs, instance 'combined' or 'pino', about `lines` in all. `planted`
 * (an array) receives { kind, actor, record } for every planted break.
 */
export function* generateAccessLog({ lines, seed = 7, plantEvery = 4000, planted = [] }) {
  const rand = random(seed);
  const pick = (items) => items[Math.floor(rand() * items.length)];
  const kinds = Object.keys(PLANTED_KINDS);
  const active = [];
  let sessions = 0;
  let written = 0;
  let requestId = 0;
  let time = START;
  // Lines waiting for their response to end: [completion time, instance, line], kept sorted.
  const pending = [];
  const flushUpTo = function* (limit) {
    while (pending.length > 0 && pending[0][0] <= limit) {
      const [, instance, line] = pending.shift();
      written++;
      yield [instance, line];
    }
  };
  const insert = (done, instance, line) => {
    let index = pending.length;
    while (index > 0 && pending[index - 1][0] > done) index--;
    pending.splice(index, 0, [done, instance, line]);
  };
  const queue = (entry) => insert(entry.time + Math.floor(rand() * 3000), entry.instance, entry.instance === 'pino' ? pinoLine(entry, ++requestId) : combinedLine(entry));
  const newSession = () => {
    sessions++;
    const actor = `u${sessions}`;
    const record = `o${sessions}`;
    const instance = sessions % 2 === 0 ? 'pino' : 'combined';
    const client = sessions;
    const plant = sessions % Math.max(1, Math.floor(plantEvery / 12)) === 0 ? kinds[(sessions / Math.floor(plantEvery / 12)) % kinds.length] : undefined;
    const ops = `ops-${1 + (sessions % 5)}`;
    const c = (method, url, status) => ({ actor, instance, client, method, url, status });
    const o = (method, url, status) => ({ actor: ops, instance: 'combined', client: 900 + (sessions % 5), method, url, status });
    let steps;
    switch (plant) {
      case 'deliver-twice':
        steps = [c('POST', '/cart', 201), c('POST', `/cart/${record}/checkout`, 200), c('POST', `/orders/${record}/pay`, 200), o('POST', `/orders/${record}/ship`, 200), o('POST', `/orders/${record}/deliver`, 200), o('POST', `/orders/${record}/deliver`, 200)];
        break;
      case 'deliver-unshipped':
        steps = [c('POST', '/cart', 201), c('POST', `/cart/${record}/checkout`, 200), c('POST', `/orders/${record}/pay`, 200), c('POST', `/orders/${record}/deliver`, 200)];
        break;
      case 'ship-unpaid':
        steps = [c('POST', '/cart', 201), c('POST', `/cart/${record}/checkout`, 200), c('POST', `/orders/${record}/ship`, 200)];
        break;
      case 'pay-twice':
        steps = [c('POST', '/cart', 201), c('POST', `/cart/${record}/checkout`, 200), c('POST', `/orders/${record}/pay?session_token=tok_${record}x9Qv7Lm2`, 200), c('POST', `/orders/${record}/pay`, 200)];
        break;
      case 'ship-new-order':
        steps = [c('POST', '/cart', 201), c('POST', `/orders/${record}/ship`, 200)];
        break;
      default: {
        const roll = rand();
        if (roll < 0.15) steps = [c('POST', '/cart', 201), c('POST', `/cart/${record}/checkout`, 200), c('POST', `/orders/${record}/cancel`, 200)];
        else if (roll < 0.3) steps = [c('POST', '/cart', 201), c('POST', `/cart/${record}/checkout`, 200), c('POST', `/orders/${record}/pay`, 200), c('POST', `/orders/${record}/pay`, 409), o('POST', `/orders/${record}/ship`, 200)];
        else if (roll < 0.4) steps = [c('POST', '/cart', 201), c('POST', `/cart/${record}/checkout`, 200), c('POST', `/orders/${record}/pay?card_token=pm_${record}Zq81`, 402), c('POST', `/orders/${record}/pay`, 200), o('POST', `/orders/${record}/ship`, 200), o('POST', `/orders/${record}/deliver`, 200)];
        else steps = [c('POST', '/cart', 201), c('POST', `/cart/${record}/checkout`, 200), c('POST', `/orders/${record}/pay`, 200), o('POST', `/orders/${record}/ship`, 200), o('POST', `/orders/${record}/deliver`, 200)];
      }
    }
    active.push({ steps, next: 0, readyAt: 0, ...(plant ? { plant: { kind: plant, actor: plant === 'deliver-twice' ? ops : actor, record } } : {}) });
  };
  const concurrent = 400;
  while (written < lines) {
    time += 40 + Math.floor(rand() * 20);
    yield* flushUpTo(time);
    const roll = rand();
    if (roll < 0.08) {
      // Traffic the flows do not care about: paths the app does not route, and the odd garbage line.
      const client = Math.floor(rand() * 5000);
      if (rand() < 0.01) insert(time, 'combined', `\u0016\u0003\u0001 garbage ${client}`);
      else queue({ actor: `u${client}`, instance: rand() < 0.5 ? 'combined' : 'pino', client, method: 'GET', url: pick(['/health', '/favicon.ico', `/static/app.${client % 9}.js`, `/reset?token=rt_${client}Ab3dE9fG1h`]), status: pick([200, 304, 404]), time });
      continue;
    }
    if (roll < 0.1) {
      insert(time, 'pino', JSON.stringify({ level: 30, time, pid: 7, hostname: 'api-2', msg: 'cache warmed' }));
      continue;
    }
    while (active.length < concurrent) newSession();
    const index = Math.floor(rand() * active.length);
    const session = active[index];
    // A session's own steps stay seconds apart (a person clicking), more than the logs' jitter.
    if (time < session.readyAt) continue;
    session.readyAt = time + 5000;
    queue({ ...session.steps[session.next], time });
    session.next++;
    if (session.next < session.steps.length) continue;
    active.splice(index, 1);
    // Listed once all its lines are out: a session the log ends in the middle of planted nothing.
    if (session.plant) planted.push(session.plant);
  }
  yield* flushUpTo(Number.POSITIVE_INFINITY);
}

/** What the replay must report for the planted breaks: sorted `flow kind severity record` strings. */
export function expectedBreaks(planted) {
  return planted.flatMap((plant) => PLANTED_KINDS[plant.kind].map((expected) => `${expected.flow} ${expected.kind} ${expected.severity} ${plant.record}`)).sort();
}
