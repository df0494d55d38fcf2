// 默认报告各节的简体中文（接口见 text/sections-words.ts）：标题、逐包讲解和帧表的表头、
// 单元格里的词、握手一节的各行、关闭一节的句子，以及“不是 WebSocket”的说明。
import type { SectionsWords } from '../sections-words.js';
import type { Phase, Side } from '../../model.js';
import { bytesZh, closeCodeNameZh, sideZh } from './words.js';

/** 阶段的名称（逐包讲解的“阶段”一列，至多 13 列宽）。 */
const PHASES: Readonly<Record<Phase, string>> = {
  'tcp-handshake': 'TCP 三次握手',
  'tls-handshake': 'TLS 握手',
  'ws-handshake': 'WS 握手',
  data: '数据传输',
  closing: '关闭握手',
  'tcp-teardown': 'TCP 四次挥手',
  other: '非 WebSocket',
};

/** 帧表“操作码”一列里，操作码值后面的简称。 */
const OPCODES: Readonly<Record<number, string>> = { 0x0: '延续', 0x1: '文本', 0x2: '二进制', 0x8: '关闭', 0x9: 'Ping', 0xa: 'Pong' };

const side = (s: Side | null): string => (s === null ? '某一端' : sideZh(s));

function ratio(name: string, z: { wire: number; inflated: number }): string {
  return z.wire > 0 ? `${name} ${z.wire} → ${bytesZh(z.inflated)}（${(z.inflated / z.wire).toFixed(1)}×）` : `${name}没有压缩过的消息`;
}

export const SECTIONS_ZH_CN: SectionsWords = {
  titles: {
    inShort: '概要',
    walkthrough: (shown) => (shown === null ? '逐包讲解' : `逐包讲解（${shown} 个包）`),
    handshake: '握手',
    frames: (shown) => `帧（${shown} 个）`,
    close: '关闭',
    diagnostics: (n) => `诊断（${n} 条）`,
  },
  noDiagnostics: '无',

  walkthroughHeads: { no: '序号', time: '时间', dir: '方向', phase: '阶段', summary: '摘要' },
  phase: (p) => PHASES[p],
  // “客→服”：客户端发往服务器（和 “C → S” 一样占 5 列）
  arrow: (from) => (from === 'client' ? '客→服' : '客←服'),

  notWebSocket: (label, encrypted, packets, http) =>
    `不是 WebSocket：${label}${encrypted === 'no-keys' ? '；已加密，不论它承载的是什么（是不是 wss:// 的 WebSocket），没有密钥（--tls-keylog）都读不出来' : encrypted === 'not-opened' ? '；已加密，给出的密钥日志打不开它（见下）' : ''}；没有升级请求；${packets} 个包${http ? '。其中的 HTTP：' : '。'}`,
  moreHttp: (n) => `……还有 ${n} 条 HTTP 消息`,
  http2Head: (start, connect, streams) =>
    `HTTP/2（${start === 'tls' ? 'TLS 内的 h2' : start === 'upgrade' ? 'h2c，由 HTTP/1.1 的 101 升级而来' : 'h2c，预先知道'}）：${connect !== null ? `服务器在第 ${connect} 个包启用了扩展 CONNECT（SETTINGS_ENABLE_CONNECT_PROTOCOL = 1）` : '服务器没有启用扩展 CONNECT'}；共 ${streams} 个流${streams > 0 ? '：' : '。'}`,
  http2Stream: (s) => {
    const req = s.method === null ? '（没有看到请求）' : `${s.method}${s.path !== null ? ` ${s.path}` : ''}${s.protocol !== null ? `（:protocol ${s.protocol}）` : ''}`;
    const res = s.status !== null ? ` → ${s.status}` : '';
    const what = s.conversation !== null ? (s.status !== null && s.status >= 200 && s.status < 300 ? `：一个 WebSocket，单独报告为连接 ${s.conversation}` : `：WebSocket 被拒绝，单独报告为连接 ${s.conversation}`) : '';
    return `流 ${s.id}  ${req}${res}${what}${s.reset !== null ? `（被重置：${s.reset}）` : ''}`;
  },
  moreStreams: (n) => `……还有 ${n} 个流`,
  http2Connection: (label, carries, packets) => `${label}：${carries ?? '它的流里没有 WebSocket'}；${packets} 个包。`,

  handshake: {
    request: (packet) => `请求（第 ${packet} 个包），客户端 → 服务器`,
    response: (packet) => `响应（第 ${packet} 个包），服务器 → 客户端`,
    noResponse: '响应：抓包里没有',
    labels: { key: 'Sec-WebSocket-Key', acceptReceived: 'Accept（收到的）', acceptComputed: 'Accept（算出的）', verdict: '结论', refusalBody: '拒绝时的响应体', subprotocol: '子协议', extensions: '扩展' },
    missing: '（没有）',
    noKeyToCompute: '（没有密钥，无从计算）',
    computed: (accept, guid) => `${accept}  = base64(SHA-1(密钥 + "${guid}"))`,
    verdict: (v, status, reason) =>
      ({
        rejected: `✘ 被拒绝：服务器返回 ${status}${reason ? ` ${reason}` : ''}，所以没有建立 WebSocket`,
        'no-response': '? 抓包里没有对升级请求的响应',
        valid: '✔ 已升级：服务器的 Accept 与密钥相符',
        invalid: '✘ 已升级，但 Accept 与密钥不符：客户端必须断开这条连接（RFC 所说的 Fail the WebSocket Connection）',
        'no-accept': '✘ 已升级，但没有可供客户端核对的 Sec-WebSocket-Accept',
        h2: `✔ 已打开：服务器以 ${status}${reason ? ` ${reason}` : ''} 响应扩展 CONNECT（RFC 8441：HTTP/2 上不交换密钥和 Accept）`,
      })[v],
    refusalBody: (bytes, complete, shown) => `${bytesZh(bytes)}${complete ? '' : '（被截断）'}：${shown}`,
    none: '无',
    offered: (list) => `（客户端提供的：${list}）`,
  },

  frameTable: {
    heads: {
      index: ['#', '#'],
      packet: ['包', '包'],
      time: ['时间', '时间'],
      from: ['发送方', '发送方'],
      fin: ['FIN', 'F'],
      rsv: ['RSV', 'RSV'],
      opcode: ['操作码', '操作码'],
      mask: ['MASK', 'M'],
      length: ['长度', '长度'],
      key: ['掩码键', '掩码'],
      payload: ['有效载荷', '有效载荷'],
    },
    side: sideZh,
    opcode: (opcode) => OPCODES[opcode] ?? '保留',
    // 半角括号：表格里窄一些，和英文的 " (16-bit)" 一样宽
    lengthForm: (bits) => ` (${bits} 位)`,
    incomplete: '（不完整）',
    closeOneByte: '（有效载荷只有 1 字节）',
    noStatusCode: '（没有状态码）',
    closeCodeName: closeCodeNameZh,
    compressed: (bytes, notInflated) => `（已压缩，${bytesZh(bytes)}${notInflated ? '，未能解压' : ''}）`,
    inflatedBytes: (bytes) => `⇢ 解压后 ${bytesZh(bytes)}`,
    inflatedText: (preview) => `⇢ ${preview}（解压后）`,
    collapsed: (more, frame, first, last) => `……还有 ${more} 个和帧 ${frame} 一样的帧（第 ${first}–${last} 个包）；--no-collapse 会全部列出`,
  },

  close: {
    sent: (initiator, code, reason, packet, reply) => {
      const peer = initiator === 'client' ? '服务器' : '客户端';
      const what = code === null ? '一个没有状态码的关闭帧' : `关闭帧 ${code}（${closeCodeNameZh(code)}）${reason !== null ? `，原因 ${reason}` : ''}`;
      const answer = reply !== null ? `${peer}在第 ${reply.packet} 个包回复关闭帧${reply.code !== null ? ` ${reply.code}` : '（没有状态码）'}` : `${peer}始终没有回复关闭帧`;
      return `WebSocket：${sideZh(initiator)}在第 ${packet} 个包发送${what}；${answer}。`;
    },
    noClose: 'WebSocket：双方都没有发送关闭帧。',
    tcpOpen: 'TCP：抓包结束时仍然开着。',
    streamOpen: 'HTTP/2 流：抓包结束时仍然开着。',
    streamReset: (by, packet) => `HTTP/2 流：${side(by)}在第 ${packet} 个包重置了流（RST_STREAM）。`,
    streamEnd: (first, ends, half) => `HTTP/2 流：${side(first)}先发送 END_STREAM——${ends.map((f) => `第 ${f.packet} 个包是${sideZh(f.side)}的`).join('，然后')}。${half ? '只有一端结束了流：半关闭。' : ''}`,
    tcpReset: (by, packet) => `TCP：${side(by)}在第 ${packet} 个包重置了连接（RST）。`,
    tcpFin: (first, fins, half) => `TCP：${side(first)}先发送 FIN——${fins.map((f) => `第 ${f.packet} 个包是${sideZh(f.side)}的 FIN`).join('，然后')}。${half ? '只有一端关闭了：半关闭。' : ''}`,
    tcpAnalysis: (retransmissions, outOfOrder, lostBytes) => {
      const said = [
        retransmissions > 0 ? `${retransmissions} 次重传` : null,
        outOfOrder > 0 ? `${outOfOrder} 个乱序报文段` : null,
        lostBytes > 0 ? `${bytesZh(lostBytes)}没有抓到` : null,
      ].filter((x) => x !== null);
      return said.length > 0 ? `TCP 分析：${said.join('，')}。` : null;
    },
    compression: (client, server) => `压缩（permessage-deflate）：${ratio('客户端', client)}；${ratio('服务器', server)}。`,
    clean: '结论：干净关闭——双方都发了关闭帧，然后才是 TCP 四次挥手。',
    cleanStream: '结论：干净关闭——双方都发了关闭帧，各自在 END_STREAM 之前或同时。',
    notClean: '结论：关闭不干净。',
  },
};
