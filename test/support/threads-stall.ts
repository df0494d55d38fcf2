// A capture of the shape that once stalled --threads 3 (two workers): the
// first worker writes a long report in parts and waits for them to be
// written while it has its full number of batches given, and the second has
// one operation, numbered after that report, not given yet (it waits in the
// batch being filled). Connection 0 (first worker): 3000 server segments of
// ten small text frames, then closed, and reported by the sweep 10 s later;
// connection 2 (first worker too: the threads are given connections by bytes
// so far, and 0 and 1 tie) sends bulk binary frames after that; connection 1
// (second worker) sends one frame after `at` of connection 2's segments.
import { Conversation, pcapFile, type Record, upgradeRequest, upgradeResponse, wsFrame } from './pcap.js';

export function stallCapture(at: number): Buffer {
  const conv = (port: number): Conversation => new Conversation({ ip: '10.0.0.1', port }, { ip: '10.0.0.2', port: 80 });
  const [a, b, c] = [conv(40001), conv(40002), conv(40003)];
  const out: Record[] = [];
  let ts = 1000;
  /** the packets a conversation added since the last call, at times after the last one */
  const take = (conv: Conversation, step = 0.00001): void => {
    for (const r of conv.records.splice(0)) out.push({ ts: (ts += step), data: r.data });
  };
  for (const conv of [a, b, c]) {
    conv.handshake().send('client', upgradeRequest()).send('server', upgradeResponse());
    take(conv);
  }
  const small = Buffer.concat(Array.from({ length: 10 }, () => wsFrame({ opcode: 1, payload: Buffer.alloc(20, 0x61) })));
  for (let i = 0; i < 3000; i++) a.send('server', small);
  a.fin('client').fin('server').ack('client');
  take(a);
  ts = 1010;
  const bulk = wsFrame({ opcode: 2, payload: Buffer.alloc(1392, 0x62) });
  for (let i = 0; i < 6000; i++) {
    c.send('server', bulk);
    take(c);
    if (i === at) {
      b.send('server', wsFrame({ opcode: 1, payload: Buffer.from('hello') }));
      take(b);
    }
  }
  return pcapFile(out);
}
