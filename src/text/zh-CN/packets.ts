// 每个包承载了什么，简体中文（接口见 text/packet-words.ts）：逐包讲解的每一行和
// 梯形图箭头上的文字。协议自己的记法照线路上的样子保留：TCP 标志（SYN、ACK、FIN、
// RST、PSH）、帧头的 [FIN]、[RSV1]、关闭状态码的数字、HTTP 请求行和状态行、TLS 消息名。
// 中文没有复数；数字和单位之间留一个空格（“17 字节”），和其他中文词表一致。
import type { LadderWords, PacketWords } from '../packet-words.js';
import type { FrameFact, H2FrameFact, HttpHint, Phase } from '../../model.js';
import { errorName, FRAME_NAMES, SETTINGS_NAMES } from '../../http2/frames.js';
import { opcodeNameZh, rttZh, sideZh } from './words.js';
import { appText } from '../app-words.js';

/** “HTTP/2 HEADERS 流 3：CONNECT /chat（:protocol websocket）”：帧类型、标志和错误码照 HTTP/2 的写法。 */
function h2(f: H2FrameFact): string {
  const name = FRAME_NAMES[f.type] ?? `类型 0x${f.type.toString(16)} 的帧`;
  const end = (f.type === 0x0 || f.type === 0x1) && (f.flags & 0x1) !== 0 ? ' [END_STREAM]' : '';
  const ack = (f.type === 0x4 || f.type === 0x6) && (f.flags & 0x1) !== 0;
  switch (f.type) {
    case -1:
      return 'HTTP/2 连接序言（PRI * HTTP/2.0）';
    case 0x0:
      return `HTTP/2 DATA 流 ${f.stream}，${f.length} 字节${end}`;
    case 0x1: {
      const what = f.method !== undefined ? `：${f.method}${f.path !== undefined ? ` ${f.path}` : ''}${f.protocol !== undefined ? `（:protocol ${f.protocol}）` : ''}` : f.status !== undefined ? `：:status ${f.status}` : '';
      return `HTTP/2 HEADERS 流 ${f.stream}${what}${end}`;
    }
    case 0x3:
      return `HTTP/2 RST_STREAM 流 ${f.stream} ${f.error !== undefined ? errorName(f.error) : ''}`.trimEnd();
    case 0x4:
      return ack ? 'HTTP/2 SETTINGS ACK' : `HTTP/2 SETTINGS${f.settings && f.settings.length > 0 ? ` ${f.settings.map((x) => `${SETTINGS_NAMES[x.id] ?? `0x${x.id.toString(16)}`}=${x.value}`).join('，')}` : ''}`;
    case 0x5:
      return `HTTP/2 PUSH_PROMISE 流 ${f.stream}${f.promised !== undefined ? `，预告流 ${f.promised}` : ''}`;
    case 0x6:
      return ack ? 'HTTP/2 PING ACK' : 'HTTP/2 PING';
    case 0x7:
      return `HTTP/2 GOAWAY 最后处理的流 ${f.lastStream ?? '?'} ${f.error !== undefined ? errorName(f.error) : ''}`.trimEnd();
    case 0x8:
      return `HTTP/2 WINDOW_UPDATE 流 ${f.stream}${f.increment !== undefined ? ` +${f.increment}` : ''}`;
    default:
      return `HTTP/2 ${name} 流 ${f.stream}`;
  }
}

function messageTypeZh(type: 'text' | 'binary'): string {
  return type === 'text' ? '文本' : '二进制';
}

/** “文本帧 [FIN] 5 字节 [已加掩码] "Hello"”：帧头的位照原样，括注用全角括号紧跟在后。 */
function frame(f: FrameFact, decrypted = false): string {
  let s = opcodeNameZh(f.opcode);
  if (f.fin) s += ' [FIN]';
  if (f.rsv1) s += ' [RSV1]';
  if (f.rsv2) s += ' [RSV2]';
  if (f.rsv3) s += ' [RSV3]';
  if (f.close) {
    if (f.close.code !== null) s += ` ${f.close.code}`;
    if (f.close.reason !== null) s += ` ${f.close.reason}`;
  } else {
    s += ` ${f.length} 字节`;
  }
  if (f.masked) s += ' [已加掩码]';
  if (f.preview !== null) s += ` ${f.preview}`;
  if (f.compressedPart) s += '（已压缩）';
  if (f.answers) s += `（回应第 ${f.answers.packet} 个包里的 Ping，往返 ${rttZh(f.answers.rtt)}）`;
  if (f.segments > 1) s += decrypted ? `（由 ${f.segments} 个包里的 TLS 记录重组而成）` : `（由 ${f.segments} 个 TCP 报文段重组而成）`;
  if (!f.complete) s += f.missingBytes > 0 ? `（不完整：有 ${f.missingBytes} 字节没有抓到）` : '（不完整）';
  const m = f.completes;
  if (m && m.compressed) {
    const content = m.preview !== null ? `：${m.preview}` : '';
    const frames = m.frames > 1 ? `，${m.frames} 个分片` : '';
    s += m.inflatedLength !== null ? `——压缩的${messageTypeZh(m.type)}消息 ${m.index}${frames}，${m.length} 字节，解压后 ${m.inflatedLength} 字节${content}` : `——压缩的${messageTypeZh(m.type)}消息 ${m.index}${frames}，没有解压`;
  } else if (m && m.frames > 1) {
    const whole = m.preview !== null ? `：${m.preview}` : '';
    s += `——${messageTypeZh(m.type)}消息 ${m.index} 至此完整（${m.frames} 个分片，${m.length} 字节）${whole}`;
  }
  if (m?.app) s += `——${appText(m.app, 'zh-CN')}（${m.app.user ? '应用数据' : '框架消息'}）`;
  return s;
}

/** 一个普通的 HTTP 请求为什么值得一提。 */
const HTTP_HINTS: Readonly<Record<HttpHint, string>> = {
  'engine.io-polling': 'Engine.IO 长轮询，发生在升级到 WebSocket 之前',
  'sockjs-info': 'SockJS 的 /info 请求：客户端在打开 WebSocket 之前先询问服务器的选项',
  'sockjs-info-maybe': '如果是 SockJS 客户端发出的，这就是 SockJS 的 /info 请求：客户端在打开 WebSocket 之前先询问服务器的选项',
};

export const PACKETS_ZH_CN: PacketWords = {
  frame,
  partialFrame: (opcode, received, total) => `${opcodeNameZh(opcode)}的一部分（有效载荷共 ${total} 字节，目前收到 ${received} 字节）`,

  keepAlive: 'TCP 保活包',
  retransmission: (bytes) => `重传：${bytes} 字节，之前已经送达`,
  outOfOrder: (bytes) => `乱序报文段：${bytes} 字节先暂存，等前面的空缺补上`,
  late: (bytes) => `乱序报文段：对端早已确认过的 ${bytes} 字节，只是抓得晚（并未丢失）`,
  ackedUnseen: (peer) => `确认了尚未抓到的数据：${sideZh(peer)}发出的这些字节，抓包里还没有出现`,
  // 丢失可能是从对端的确认中发现的，这时写在对端的包上
  gap: (bytes, from, own) => (own ? `这个报文段之前有 ${bytes} 字节没有抓到（抓包丢失）` : `确认了${sideZh(from)}发出、抓包丢失的 ${bytes} 字节`),
  resync: (skipped) => (skipped === 0 ? '丢失的字节之后，帧解码从这里恢复' : `跳过 ${skipped} 字节无法成帧的数据后，帧解码在一个帧头处恢复`),
  detected: (skipped) => `启发式识别：一串合法的帧表明这是 WebSocket${skipped > 0 ? `（开头的 ${skipped} 字节是抓包开始之前就已开始的一个帧的结尾）` : ''}`,

  opaque: (bytes) => `${bytes} 字节数据`,
  held: (bytes) => `在服务器的响应到达之前发出的 ${bytes} 字节`,
  earlyResponse: (bytes) => `HTTP 响应的 ${bytes} 字节，比它所响应的请求先被抓到（抓包里客户端的包来晚了）；等请求到了再读`,
  httpPartial: (role, bytes) => `HTTP ${role === 'request' ? '请求' : '响应'}的一部分（${bytes} 字节）`,
  request: (method, target, version, upgrade, hint) => `${method} ${target} ${version}${upgrade ? (version === 'HTTP/2' ? '（:protocol websocket，请求打开 WebSocket）' : '（请求升级为 WebSocket）') : ''}${hint ? `（${HTTP_HINTS[hint]}）` : ''}`,
  response: (version, status, reason) => `${version} ${status}${reason ? ` ${reason}` : ''}`,

  tlsClientHello: (sni, alpn) => {
    const said = sni && alpn ? `SNI ${sni}，ALPN ${alpn.join(', ')}` : sni ? `SNI ${sni}` : alpn ? `ALPN ${alpn.join(', ')}` : '';
    return `TLS ClientHello${said !== '' ? `（${said}）` : ''}`;
  },
  tlsServerHello: (retry, version, suite, alpn) => `TLS ${retry ? 'HelloRetryRequest' : 'ServerHello'}（${version}，${suite}${alpn ? `，ALPN ${alpn}` : ''}）`,
  tlsHandshake: (name) => `TLS ${name}`,
  tlsCertificate: (subject, issuer, notAfter) => `TLS certificate（${subject}，${issuer === subject ? '自签名' : `签发者 ${issuer}`}，有效期至 ${notAfter}）`,
  tlsEncryptedExtensions: (alpn) => `TLS encrypted_extensions${alpn !== null ? `（ALPN ${alpn}）` : ''}`,
  tlsAlert: (name) => `TLS 告警 ${name}`,
  tlsChangeCipherSpec: 'TLS ChangeCipherSpec',
  tlsEncrypted: (records, failed) => `${records} 个加密的 TLS 记录${failed === 0 ? '' : failed === records ? '（用密钥日志打不开）' : `（其中 ${failed} 个用密钥日志打不开）`}`,
  tlsDecrypted: (records, keys) =>
    `由 ${records} 个 TLS 记录解密而来${keys.length === 0 ? '' : `，用的是 ${keys.map((k) => `${k.label}${k.generation > 0 ? `（经过 ${k.generation} 次 KeyUpdate）` : ''}（${k.file} 第 ${k.line} 行）`).join('和 ')}`}`,
  tlsRecordPart: (received, total) => `TLS 记录的一部分（共 ${total} 字节，目前收到 ${received} 字节）`,
  tlsJoin: '；',

  h2,
  moreH2: (n) => `（另有 ${n} 个 HTTP/2 帧）`,
  moreFrames: (n) => `（另有 ${n} 个帧）`,
  join: '；',
  withFlags: (summary, flags) => `${summary} + ${flags}`,
};

/** 梯形图里每个阶段的名称（和讲解模式的小节标题用同样的说法）。 */
const PHASES: Readonly<Record<Phase, string>> = {
  'tcp-handshake': 'TCP 三次握手',
  'tls-handshake': 'TLS 握手',
  'ws-handshake': 'WebSocket 握手',
  data: '数据传输',
  closing: '关闭握手',
  'tcp-teardown': 'TCP 四次挥手',
  other: '非 WebSocket',
};

export const LADDER_ZH_CN: LadderWords = {
  number: '序号',
  time: '时间',
  lifeline: (side, endpoint) => `${sideZh(side)} ${endpoint}`,
  phase: (p) => PHASES[p],
};
