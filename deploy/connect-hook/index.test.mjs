// Tests of the Connect hook, run by the project's test command (tests/ChurnActors.Tests,
// ConnectHookTests) with a running gateway and engagements prepared for it:
//   CHURN_GATEWAY_URL, CHURN_FEEDBACK_SECRET, CHURN_TEST_ENGAGEMENTS (JSON: answered, noInput, badDigit)
// Run alone, without them, the gateway tests fail and say so.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { createHmac } from 'node:crypto';
import { handler } from './index.mjs';

const engagements = JSON.parse(process.env.CHURN_TEST_ENGAGEMENTS ?? 'null');
const gateway = process.env.CHURN_GATEWAY_URL;
const secret = process.env.CHURN_FEEDBACK_SECRET;

// An event as Amazon Connect sends it to a Lambda function from a contact flow.
function connectEvent({ msisdn, engagementId, contactId }, parameters) {
  return {
    Name: 'ContactFlowEvent',
    Details: {
      ContactData: {
        Attributes: { engagementId, incidentType: 'CALL_DROP', cell: '234-15-00A1B2C', failRate: '0.4' },
        Channel: 'VOICE',
        ContactId: contactId,
        CustomerEndpoint: { Address: msisdn, Type: 'TELEPHONE_NUMBER' },
        InitialContactId: contactId,
        InitiationMethod: 'API',
        InstanceARN: 'arn:aws:connect:eu-west-2:000000000000:instance/00000000-0000-0000-0000-000000000000',
        SystemEndpoint: { Address: '+441632960000', Type: 'TELEPHONE_NUMBER' },
      },
      Parameters: parameters,
    },
  };
}

function assertFlatStrings(result) {
  for (const [key, value] of Object.entries(result)) assert.equal(typeof value, 'string', `${key} is not a string`);
}

function requireGateway() {
  assert.ok(gateway && secret && engagements, 'CHURN_GATEWAY_URL, CHURN_FEEDBACK_SECRET and CHURN_TEST_ENGAGEMENTS must be set: run through ./scripts/test.sh');
  process.env.CHURN_GATEWAY_URL = gateway;
  process.env.CHURN_FEEDBACK_SECRET = secret;
  delete process.env.CHURN_FEEDBACK_SECRET_ID;
}

test('an answer is recorded, and Connect retrying the hook does not count it twice', async () => {
  requireGateway();
  const event = connectEvent(engagements.answered, { score: '4', outcome: 'answered' });

  const first = await handler(event);
  const retry = await handler(event);

  assertFlatStrings(first);
  assert.deepEqual(first, { status: 'recorded', engagementId: engagements.answered.engagementId, sentimentAfter: '8' });
  assert.deepEqual(retry, { status: 'already-recorded', engagementId: engagements.answered.engagementId, sentimentAfter: '8' });
});

test('a call that ended without a digit reports no input', async () => {
  requireGateway();

  const result = await handler(connectEvent(engagements.noInput, { outcome: 'no-input' }));

  assertFlatStrings(result);
  assert.equal(result.status, 'no-input-recorded');
});

test('a digit outside 1 to 5 is refused by the gateway and changes nothing', async () => {
  requireGateway();

  const result = await handler(connectEvent(engagements.badDigit, { score: '9', outcome: 'answered' }));

  assertFlatStrings(result);
  assert.equal(result.status, 'refused');
  assert.match(result.reason, /outside 1–5/);
});

test('an event without the engagement attribute is answered with an error, not a crash', async () => {
  const result = await handler({ Details: { ContactData: { ContactId: 'c-1' }, Parameters: {} } });

  assert.equal(result.status, 'error');
  assertFlatStrings(result);
});

test('a gateway that hangs is given up within Connect\'s 8 s limit', async () => {
  const hanging = http.createServer(() => {}).listen(0, '127.0.0.1');
  await new Promise(resolve => hanging.once('listening', resolve));
  const saved = { ...process.env };
  process.env.CHURN_GATEWAY_URL = `http://127.0.0.1:${hanging.address().port}`;
  process.env.CHURN_FEEDBACK_SECRET = 'any-secret-will-do-here';
  try {
    const started = Date.now();
    const result = await handler(connectEvent({ msisdn: '+447700900123', engagementId: 'eng-00000000-0000000000000000', contactId: 'c-2' }, { score: '3' }));

    assert.equal(result.status, 'error');
    assert.match(result.reason, /did not answer in time/);
    assert.ok(Date.now() - started < 8_000);
  } finally {
    process.env = saved;
    hanging.closeAllConnections();
    hanging.close();
  }
});

test('the secret can come from Secrets Manager through the Lambda extension, and signs the request', async () => {
  let received;
  const fakeGateway = http.createServer((req, res) => {
    let body = '';
    req.on('data', chunk => { body += chunk; });
    req.on('end', () => {
      received = { body, timestamp: req.headers['x-churn-timestamp'], signature: req.headers['x-churn-signature'] };
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ outcome: 'recorded', engagementId: 'e', sentimentAfter: 9 }));
    });
  }).listen(0, '127.0.0.1');
  const extension = http.createServer((req, res) => {
    const ok = req.url === '/secretsmanager/get?secretId=churn%2Ffeedback' && req.headers['x-aws-parameters-secrets-token'] === 'session-token';
    res.writeHead(ok ? 200 : 400, { 'content-type': 'application/json' });
    res.end(JSON.stringify(ok ? { SecretString: 'secret-from-secrets-manager' } : {}));
  }).listen(0, '127.0.0.1');
  await Promise.all([fakeGateway, extension].map(server => new Promise(resolve => server.listening ? resolve() : server.once('listening', resolve))));
  const saved = { ...process.env };
  process.env.CHURN_GATEWAY_URL = `http://127.0.0.1:${fakeGateway.address().port}`;
  delete process.env.CHURN_FEEDBACK_SECRET;
  process.env.CHURN_FEEDBACK_SECRET_ID = 'churn/feedback';
  process.env.PARAMETERS_SECRETS_EXTENSION_HTTP_PORT = `${extension.address().port}`;
  process.env.AWS_SESSION_TOKEN = 'session-token';
  try {
    const result = await handler(connectEvent({ msisdn: '+447700900123', engagementId: 'e', contactId: 'c-3' }, { score: '2' }));

    assert.equal(result.status, 'recorded');
    const expected = createHmac('sha256', 'secret-from-secrets-manager').update(`${received.timestamp}\n${received.body}`).digest('hex');
    assert.equal(received.signature, expected);
    assert.deepEqual(JSON.parse(received.body).score, 2);
  } finally {
    process.env = saved;
    fakeGateway.close();
    extension.close();
  }
});
