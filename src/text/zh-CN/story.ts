// 连接的故事，简体中文（接口见 text/story-words.ts）：报告的“概要”一节。
import type { AppTypeTold, Run, StoryWords } from '../story-words.js';
import type { Side } from '../../model.js';
import { closeCodeNameZh, opcodeNameZh, sideZh } from './words.js';

function range(r: Run): string {
  return r.first === r.last ? `第 ${r.first} 个包` : `第 ${r.first}–${r.last} 个包`;
}

const side = (s: Side | null): string => (s === null ? '某一端' : sideZh(s));

/** “3 个文本帧”“1 个 Ping 帧”：拉丁字母开头的名称前留一个空格。 */
function counted(n: number, name: string): string {
  return `${n} 个${/^[A-Za-z0-9]/.test(name) ? ' ' : ''}${name}`;
}

function types(list: readonly AppTypeTold[], more: number): string {
  const parts = list.map((g) => {
    if (g.packets.length === 0) return g.name;
    const packets = `第 ${g.packets.join('、')} 个包`;
    return `${g.name}（${g.more ? `${packets}等，共 ${g.count} 条` : packets}）`;
  });
  return parts.join('、') + (more > 0 ? `，另有 ${more} 种类型` : '');
}

export const STORY_ZH_CN: StoryWords = {
  midStream: (how) => {
    const by = how === 'heuristic' ? '；wsdissect 通过启发式识别认定它是 WebSocket：字节流里有一串合法的帧' : how === 'decode-as' ? '；按你的要求（--decode-as）当作 WebSocket 解码' : how === 'response' ? '；服务器的 101 响应把它切换为 WebSocket，它所响应的升级请求在抓包开始之前就已发出' : '';
    return `抓包开始时这条连接已经建立（没有看到 SYN）${by}。`;
  },
  tcpHandshake: (r) => `${range(r)}是 TCP 三次握手（SYN、SYN-ACK、ACK）。`,
  tcpHandshakePart: (r, entries, more) => `${range(r)}是 TCP 握手的一部分（${entries.join('；')}${more ? '；……' : ''}）。`,
  tlsHandshake: (r, t) => {
    const said = [t.version, t.suite, t.sni !== null ? `SNI ${t.sni}` : null].filter((x) => x !== null);
    const logs = t.keyLogs.length === 0 ? '' : `；它的记录用密钥日志 ${t.keyLogs.join('、')} 解密`;
    return `${range(r)}是 TLS 握手${said.length > 0 ? `（${said.join('，')}）` : ''}${logs}。`;
  },
  http: (r, joined) => `${range(r)}承载的是 HTTP${joined ? '：其中有服务器切换到 WebSocket 的 101 响应，它所响应的升级请求不在抓包里' : ''}。`,
  carried: (stream, connection, websocket) =>
    websocket
      ? `这个 WebSocket 由连接 ${connection} 的 HTTP/2 流 ${stream} 承载（RFC 8441）：它的包是这条连接里承载该流的帧的那些包，流的结束就是它的拆除。`
      : `这是连接 ${connection} 的 HTTP/2 流 ${stream}，一个请求 WebSocket 的扩展 CONNECT（RFC 8441）。`,
  streamEnd: (r, first) => `${range(r)}结束了这个 HTTP/2 流（END_STREAM）${first ? `；${side(first)}先结束` : ''}。`,
  streamReset: (r, by) => `${range(r)}以重置（RST_STREAM）结束了这个 HTTP/2 流${by ? `，由${side(by)}发出` : ''}。`,
  upgrade: (req, res) => {
    const parts = [`第 ${req.packet} 个包是客户端的 ${req.method} ${req.target}，${req.method === 'CONNECT' ? '请求在它的流上打开 WebSocket' : '请求升级为 WebSocket'}`];
    if (res) {
      const verdict = {
        match: '，其中的 Sec-WebSocket-Accept 与密钥相符',
        mismatch: '，但其中的 Sec-WebSocket-Accept 与密钥不符',
        'no-accept': '，但其中没有 Sec-WebSocket-Accept',
        refused: '：升级被拒绝',
        'h2-open': '：WebSocket 已打开（在 HTTP/2 上由 :protocol 伪首部取代密钥和 Accept）',
      }[res.verdict];
      parts.push(`第 ${res.packet} 个包是服务器的 ${res.status}${res.reason ? ` ${res.reason}` : ''}${verdict}`);
    } else {
      parts.push('抓包里没有服务器的响应');
    }
    return `${parts.join('；')}。`;
  },
  data: (r, counts) => {
    if (counts.length === 0) return `${range(r)}里没有完整的帧。`;
    // 按发送方和操作码计数，依首次出现的顺序
    const parts = counts.map((c) => {
      const masking = c.masked === c.n ? '已加掩码' : c.masked === 0 ? '未加掩码' : `其中 ${c.masked} 个已加掩码`;
      return `${sideZh(c.from)}发出的 ${counted(c.n, opcodeNameZh(c.opcode))}（${masking}）`;
    });
    const told = parts.length <= 1 ? parts.join('') : `${parts.slice(0, -1).join('、')}和${parts[parts.length - 1]}`;
    return `${range(r)}承载了${told}。`;
  },
  app: (a) => {
    const framework = types(a.framework, a.moreFramework);
    const own = types(a.own, a.moreOwn);
    const by = {
      subprotocol: a.subprotocol !== null ? `根据子协议 ${a.subprotocol} 识别` : '根据子协议识别',
      url: '根据 URL 识别',
      content: '根据消息的内容识别',
      forced: '按你的要求（--app）解码',
    }[a.chosenBy];
    const lead = a.decoded < a.messages ? `${a.messages} 条消息中有 ${a.decoded} 条是 ${a.name}` : `这些消息都是 ${a.name}`;
    const parts = [`${lead}（${by}）`];
    if (framework) parts.push(`框架自身的流量是 ${framework}`);
    if (own) parts.push(`应用自己的数据是 ${own}`);
    if (!framework && !own) parts.push('但没有解码出任何消息');
    return `${parts.join('；')}。`;
  },
  closingRun: (r) => `${range(r)}属于关闭握手。`,
  close: (first, reply) => {
    const what = first.code === null ? '没有状态码' : `${first.code} ${closeCodeNameZh(first.code)}${first.reason !== null ? `，${first.reason}` : ''}`;
    let s = `第 ${first.packet} 个包是${sideZh(first.initiator)}的关闭帧（${what}）`;
    if (reply) s += `；第 ${reply.packet} 个包是${sideZh(reply.from)}回复的关闭帧${reply.code !== null ? `（${reply.code}）` : ''}`;
    else s += `；${first.from === 'client' ? '服务器' : '客户端'}始终没有回复关闭帧`;
    return `${s}。`;
  },
  reset: (r, by) => `${range(r)}是${side(by)}发出的重置（RST），连接就此结束。`,
  teardown: (r, first) => `${range(r)}是 TCP 四次挥手（FIN/ACK）；${side(first)}先关闭。`,
};
