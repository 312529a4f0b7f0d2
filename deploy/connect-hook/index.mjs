// The Amazon Connect hook: the contact flow invokes it with the subscriber's answer (or the lack of
// one); it posts that to the ChurnActors gateway, signed, and returns a flat string map to the flow.
//
// Node.js 22, no dependencies. Configuration (Lambda environment):
//   CHURN_GATEWAY_URL          the gateway's base URL, e.g. https://churn.example.net
//   CHURN_FEEDBACK_SECRET      the shared feedback secret — or, better in production:
//   CHURN_FEEDBACK_SECRET_ID   a Secrets Manager secret id, read through the AWS Parameters and
//                              Secrets Lambda extension (a layer; no SDK needed), cached per container
//
// Connect waits at most 8 s for the function and retries it: every attempt is signed anew, and the
// gateway answers a repeated answer as "already-recorded", so a retry never counts twice.
import { createHmac } from 'node:crypto';

const GATEWAY_TIMEOUT_MS = 5_000;
let cachedSecret;

export async function handler(event) {
  const contact = event?.Details?.ContactData ?? {};
  const parameters = event?.Details?.Parameters ?? {};
  const engagementId = contact.Attributes?.engagementId;
  if (!contact.ContactId || !engagementId || !contact.CustomerEndpoint?.Address) {
    return flat({ status: 'error', reason: 'the contact has no ContactId, engagementId attribute or customer number' });
  }

  const digit = `${parameters.score ?? ''}`.trim();
  const feedback = { contactId: contact.ContactId, engagementId, msisdn: contact.CustomerEndpoint.Address };
  if (parameters.outcome === 'no-input' || digit === '') {
    feedback.outcome = 'no-input';
  } else {
    feedback.score = /^\d$/.test(digit) ? Number(digit) : -1;
    feedback.answeredAt = new Date().toISOString();
  }

  try {
    const response = await post(feedback);
    const answer = await response.json().catch(() => ({}));
    if (response.ok) {
      return flat({ status: answer.outcome, engagementId, sentimentAfter: answer.sentimentAfter });
    }

    return flat({ status: 'refused', engagementId, reason: answer.detail ?? `gateway answered ${response.status}` });
  } catch (error) {
    return flat({ status: 'error', engagementId, reason: error.name === 'TimeoutError' ? 'the gateway did not answer in time' : `${error.message}` });
  }
}

async function post(feedback) {
  const gateway = process.env.CHURN_GATEWAY_URL;
  if (!gateway) throw new Error('CHURN_GATEWAY_URL is not set');
  const body = JSON.stringify(feedback);
  const timestamp = `${Math.floor(Date.now() / 1000)}`;
  const signature = createHmac('sha256', await secret()).update(`${timestamp}\n${body}`).digest('hex');
  return fetch(new URL('/api/v1/connect/feedback', gateway), {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-churn-timestamp': timestamp, 'x-churn-signature': signature },
    body,
    signal: AbortSignal.timeout(GATEWAY_TIMEOUT_MS),
  });
}

async function secret() {
  if (process.env.CHURN_FEEDBACK_SECRET) return process.env.CHURN_FEEDBACK_SECRET;
  const id = process.env.CHURN_FEEDBACK_SECRET_ID;
  if (!id) throw new Error('set CHURN_FEEDBACK_SECRET or CHURN_FEEDBACK_SECRET_ID');
  if (cachedSecret?.id === id) return cachedSecret.value;

  const port = process.env.PARAMETERS_SECRETS_EXTENSION_HTTP_PORT ?? '2773';
  const response = await fetch(`http://localhost:${port}/secretsmanager/get?secretId=${encodeURIComponent(id)}`, {
    headers: { 'X-Aws-Parameters-Secrets-Token': process.env.AWS_SESSION_TOKEN ?? '' },
    signal: AbortSignal.timeout(2_000),
  });
  if (!response.ok) throw new Error(`the secrets extension answered ${response.status} for ${id}`);
  cachedSecret = { id, value: (await response.json()).SecretString };
  return cachedSecret.value;
}

// Connect takes only a flat map of strings back.
function flat(values) {
  return Object.fromEntries(Object.entries(values).filter(([, value]) => value !== undefined && value !== null).map(([key, value]) => [key, `${value}`]));
}
