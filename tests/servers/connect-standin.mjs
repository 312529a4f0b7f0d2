// A stand-in for Amazon Connect's StartOutboundVoiceContact, for tests only. It checks every
// request's SigV4 signature independently of the code under test (with the aws4 package), answers
// as Connect does — including its errors, chosen by the destination number — and records each
// request for the tests to read back (GET /requests).
//
//   node connect-standin.mjs --port 4570 --access-key AKID --secret-key SECRET --region eu-west-2
//
// Destination numbers of the block +4477009xxxxx ending in 403 are refused
// (DestinationNotAllowedException), 429 throttled (TooManyRequestsException), 500 fail
// (InternalServiceException); 5009 fail twice, then succeed. Every other number is called.
//
// With --hook-gateways URL[,URL…] and --feedback-secret S it also plays the subscriber and the
// contact flow: each new contact is answered after --answer-after-ms (default 1500) through the
// project's own Connect hook (deploy/connect-hook), pointed at the gateways in turn as a load
// balancer would. A number ending in 0 gives no digit; any other answers 1 + (last digit mod 5).
// An attempt the hook reports as an error or a refusal is made again a second later, as Connect
// retries its Lambda, for up to --answer-retry-ms (default 120000). GET /answers lists them.
import http from 'node:http';
import { createRequire } from 'node:module';
import { handler as connectHook } from '../../deploy/connect-hook/index.mjs';

const aws4 = createRequire(import.meta.url)('aws4');
const args = Object.fromEntries(process.argv.slice(2).reduce((pairs, arg, i, all) =>
  arg.startsWith('--') ? [...pairs, [arg.slice(2), all[i + 1]]] : pairs, []));
const credentials = { accessKeyId: args['access-key'], secretAccessKey: args['secret-key'] };
const region = args.region ?? 'us-east-1';

const requests = [];
const contacts = new Map();
const failures = new Map();
const answers = [];
const hookGateways = (args['hook-gateways'] ?? '').split(',').filter(url => url.length > 0);
const answerAfterMs = Number(args['answer-after-ms'] ?? 1500);
const answerRetryMs = Number(args['answer-retry-ms'] ?? 120000);
let nextGateway = 0;

// The contact flow's end: the subscriber's digit (or none) handed to the hook, as Connect invokes it.
async function answerContact(call, contactId) {
  const destination = call.DestinationPhoneNumber;
  const last = Number(destination.at(-1));
  const answer = { engagementId: call.Attributes?.engagementId, contactId, destination, score: last === 0 ? null : 1 + (last % 5), attempts: [], status: 'pending' };
  answers.push(answer);
  const deadline = Date.now() + answerRetryMs;
  for (;;) {
    const gateway = hookGateways[nextGateway++ % hookGateways.length];
    process.env.CHURN_GATEWAY_URL = gateway;
    process.env.CHURN_FEEDBACK_SECRET = args['feedback-secret'];
    const event = {
      Name: 'ContactFlowEvent',
      Details: {
        ContactData: {
          Attributes: call.Attributes,
          Channel: 'VOICE',
          ContactId: contactId,
          CustomerEndpoint: { Address: destination, Type: 'TELEPHONE_NUMBER' },
          InitialContactId: contactId,
          InitiationMethod: 'API',
          SystemEndpoint: { Address: call.SourcePhoneNumber, Type: 'TELEPHONE_NUMBER' },
        },
        Parameters: answer.score === null ? { outcome: 'no-input' } : { score: `${answer.score}` },
      },
    };
    const result = await connectHook(event);
    answer.attempts.push({ at: Date.now(), gateway, status: result.status, reason: result.reason });
    answer.status = result.status;
    answer.sentimentAfter = result.sentimentAfter;
    if ((result.status !== 'error' && result.status !== 'refused') || Date.now() > deadline) return;
    await new Promise(resolve => setTimeout(resolve, 1000));
  }
}

function verify(req, body) {
  const authorization = req.headers.authorization ?? '';
  const match = /SignedHeaders=([^,]+), Signature=([0-9a-f]+)/.exec(authorization);
  if (!match) return false;

  // Like AWS, refuse a signature made more than 5 minutes from now.
  const stamp = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(req.headers['x-amz-date'] ?? '');
  if (!stamp || Math.abs(Date.UTC(stamp[1], stamp[2] - 1, stamp[3], stamp[4], stamp[5], stamp[6]) - Date.now()) > 5 * 60 * 1000) return false;
  const headers = Object.fromEntries(match[1].split(';').map(name => [name, req.headers[name]]));
  // Exactly the headers the client says it signed (aws4 must not add its own, such as
  // Content-Length), at the time the client says it signed them.
  const signer = new aws4.RequestSigner({ host: req.headers.host, method: req.method, path: req.url, service: 'connect', region, body, headers: { ...headers }, doNotModifyHeaders: true }, credentials);
  signer.datetime = req.headers['x-amz-date'];
  return signer.sign().headers.Authorization === authorization;
}

function answer(res, status, payload, errorType) {
  res.writeHead(status, { 'content-type': 'application/json', ...(errorType ? { 'x-amzn-ErrorType': `${errorType}:http://internal.amazon.com/coral/com.amazonaws.connect/` } : {}) });
  res.end(JSON.stringify(payload));
}

http.createServer((req, res) => {
  let body = '';
  req.on('data', chunk => { body += chunk; });
  req.on('end', () => {
    if (req.method === 'GET' && req.url === '/requests') return answer(res, 200, requests);
    if (req.method === 'GET' && req.url === '/answers') return answer(res, 200, answers);
    if (req.method !== 'PUT' || req.url !== '/contact/outbound-voice') return answer(res, 404, { message: 'unknown path' }, 'ResourceNotFoundException');

    const signatureValid = verify(req, body);
    const call = JSON.parse(body);
    const record = { at: Date.now(), signatureValid, clientToken: call.ClientToken, destination: call.DestinationPhoneNumber, instanceId: call.InstanceId, contactFlowId: call.ContactFlowId, source: call.SourcePhoneNumber, attributes: call.Attributes };
    requests.push(record);
    if (!signatureValid) return answer(res, 403, { message: 'The request signature we calculated does not match the signature you provided.' }, 'InvalidSignatureException');

    const destination = call.DestinationPhoneNumber ?? '';
    const scripted = destination.startsWith('+4477009');
    if (scripted && destination.endsWith('403')) return answer(res, 403, { Message: 'Outbound calls to this destination are not allowed' }, 'DestinationNotAllowedException');
    if (scripted && destination.endsWith('429')) return answer(res, 429, { Message: 'Rate exceeded' }, 'TooManyRequestsException');
    if (scripted && destination.endsWith('500')) return answer(res, 500, { Message: 'Internal service error' }, 'InternalServiceException');
    if (scripted && destination.endsWith('5009') && (failures.get(call.ClientToken) ?? 0) < 2) {
      failures.set(call.ClientToken, (failures.get(call.ClientToken) ?? 0) + 1);
      return answer(res, 500, { Message: 'Internal service error' }, 'InternalServiceException');
    }

    // Connect is idempotent on ClientToken: the same token gets the same contact.
    if (!contacts.has(call.ClientToken)) {
      const contactId = `contact-${contacts.size + 1}`;
      contacts.set(call.ClientToken, contactId);
      if (hookGateways.length > 0) setTimeout(() => answerContact(call, contactId), answerAfterMs);
    }
    record.contactId = contacts.get(call.ClientToken);
    answer(res, 200, { ContactId: record.contactId, ContactArn: `arn:aws:connect:${region}:000000000000:instance/${call.InstanceId}/contact/${record.contactId}` });
  });
}).listen(Number(args.port), '127.0.0.1');
