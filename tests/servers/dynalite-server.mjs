// dynalite as its own CLI starts it, with one difference: a client that goes away in the middle of
// a request (a silo a test kills outright) does not take the server down. dynalite throws the
// request's 'aborted' error from inside its handler, which ends the whole process; DynamoDB itself
// just drops that request. Every other error still ends the server.
//
//   node dynalite-server.mjs --port 4567 --createTableMs 0 --deleteTableMs 0 --updateTableMs 0
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const argv = require('minimist')(process.argv.slice(2));
const server = require('dynalite')(argv);

server.prependListener('request', (req) => {
  const on = req.on.bind(req);
  req.on = (event, listener) => event !== 'error' ? on(event, listener) : on('error', (error) => {
    if (error?.code === 'ECONNRESET') {
      console.error(`a client went away in the middle of ${req.headers['x-amz-target'] ?? 'a request'}; dropped`);
      return;
    }

    listener(error);
  });
  return req;
});

server.listen(argv.port || 4567, argv.host || undefined, () => {
  console.log('Dynalite listening at: http://%s:%s', argv.host || 'localhost', server.address().port);
});
