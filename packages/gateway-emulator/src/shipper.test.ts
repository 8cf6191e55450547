import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { AccessLogRecord } from './accessLog';
import { AccessLogShipper } from './shipper';

const record = (id: string): AccessLogRecord => ({
  start_time: '2026-01-01T00:00:00.000Z', method: 'POST', path: '/x', protocol: 'HTTP/1.1', response_code: 200,
  response_flags: '-', response_code_details: 'via_upstream', route_name: 'httproute/ns/r-mp/rule/0/match/0/*',
  client_id: 'key-1', request_id: id, input_tokens: null, output_tokens: null, total_tokens: null, duration: 1,
  bytes_received: 2, bytes_sent: 3, upstream_host: null, authority: 'h', user_agent: null, downstream_remote_address: null,
});

describe('AccessLogShipper', () => {
  it('posts NDJSON with the given headers, and sends a failed batch again', async () => {
    const received: { body: string; headers: http.IncomingHttpHeaders }[] = [];
    let fail = true;
    const server = http.createServer((req, res) => {
      let body = '';
      req.on('data', c => (body += c));
      req.on('end', () => {
        if (fail) {
          fail = false;
          res.writeHead(503).end('down');
          return;
        }
        received.push({ body, headers: req.headers });
        res.writeHead(200).end('{}');
      });
    });
    await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
    const errors: string[] = [];
    const shipper = new AccessLogShipper({
      url: async () => `http://127.0.0.1:${(server.address() as AddressInfo).port}/ingest`,
      headers: async () => ({ authorization: 'Bearer service-token' }),
      onError: e => errors.push(e.message),
    });
    shipper.sink(record('a'));
    shipper.sink(record('b'));
    await shipper.flush();
    expect(errors).toEqual(['access-log ingest answered 503: down']);
    await shipper.flush();
    server.close();
    expect(received).toHaveLength(1);
    expect(received[0].headers['content-type']).toBe('application/x-ndjson');
    expect(received[0].headers.authorization).toBe('Bearer service-token');
    expect(received[0].body.split('\n').map(l => JSON.parse(l).request_id)).toEqual(['a', 'b']);
  });
});
