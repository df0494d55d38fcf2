// 讲解模式的简体中文（接口见 text/explain-words.ts）。术语依照中文教材的通行说法：
// 三次握手、四次挥手、帧、操作码、掩码、掩码键、分片、控制帧、有效载荷、关闭握手。
import type { ExplainWords, FrameFacts } from '../explain-words.js';
import type { Side } from '../../model.js';
import { bytesZh, closeCodeNameZh, opcodeNameZh, rttZh, sideZh } from './words.js';
import { diagnosticTextZh } from './diagnostics.js';
import { sanitize } from '../../util/text.js';

/** 握手请求中各个首部的用途。 */
const HEADER_PURPOSE: Readonly<Record<string, string>> = {
  ':method': 'CONNECT，加上下面的 :protocol：就是 RFC 8441 §4 的扩展 CONNECT，在这个流上打开隧道，而不是连到某台主机',
  ':protocol': '这个流要承载的协议：用 "websocket" 取代 HTTP/1.1 的 Upgrade 和 Connection（RFC 8441 §4、§5）',
  ':scheme': 'ws:// 用 http，wss:// 用 https（RFC 8441 §5）',
  ':path': 'WebSocket URI 的路径和查询部分（RFC 8441 §4）',
  ':authority': 'WebSocket 所在的主机（和端口），取代 Host（RFC 8441 §5）',
  host: '请求的是哪个站点；HTTP/1.1 和 RFC 6455 §4.1 都要求有它',
  upgrade: '请求把这条连接从 HTTP 切换到另一个协议，这里是 "websocket"（§4.1）',
  connection: '必须包含 "Upgrade"：Upgrade 首部只对这一跳有效，不得被转发（§4.1）',
  'sec-websocket-key': '16 字节的随机数（nonce），以 base64 编码；服务器必须用它参与哈希计算、写进 Sec-WebSocket-Accept，以证明自己读过它（§4.1）',
  'sec-websocket-version': 'WebSocket 协议的版本；13 即 RFC 6455（§4.1）',
  'sec-websocket-protocol': '客户端支持的应用层协议（子协议），按偏好排序；服务器至多选一个（§1.9、§4.1）',
  'sec-websocket-extensions': '客户端提供的扩展，例如 permessage-deflate 压缩（RFC 7692）；服务器可以接受其中一些，也可以都不接受（§9.1）',
  'sec-websocket-accept': '服务器证明自己看懂了 WebSocket 握手：把密钥和一个固定 GUID 拼接后做 SHA-1，再以 base64 编码（§4.2.2）',
  origin: '打开这个套接字的网页；浏览器总会发送它，服务器可以据此拒绝其他站点（§4.1、§10.2）',
  'user-agent': '客户端软件；不属于 WebSocket 握手',
  cookie: 'Cookie，和普通 HTTP 请求一样发送；可能用于认证用户',
  'cache-control': '缓存指令；不属于 WebSocket 握手',
  pragma: '旧的 HTTP/1.0 缓存指令；不属于 WebSocket 握手',
  'accept-encoding': 'HTTP 报文体可接受的压缩方式；对 WebSocket 帧没有影响',
  'accept-language': '偏好的语言；不属于 WebSocket 握手',
  server: '服务器软件；不属于 WebSocket 握手',
  date: '响应发出的时间',
  authorization: '发给服务器的凭据，和普通 HTTP 请求一样',
};

/** 在响应里，有些首部是回答而不是请求。 */
const RESPONSE_PURPOSE: Readonly<Record<string, string>> = {
  ':status': '响应的状态码，HTTP/2 的伪首部：任何 2xx 都会在这个流上打开 WebSocket（RFC 8441 §5）',
  upgrade: '确认切换到 "websocket" 协议（§4.2.2）',
  connection: '必须包含 "Upgrade"，和请求中一样（§4.2.2）',
  'sec-websocket-protocol': '服务器从客户端列表里选定的那一个子协议（§4.2.2）',
  'sec-websocket-extensions': '服务器接受的扩展及其参数；双方只能使用这些扩展（§9.1）',
};

/** 每个操作码的用途，接在“它是文本帧（操作码 0x1），”之后（名称见 words.ts opcodeNameZh）。 */
const OPCODE_MEANING: Readonly<Record<number, string>> = {
  0x0: '承载之前开始的某条消息的下一个分片',
  0x1: '承载 UTF-8 文本',
  0x2: '承载由应用自行解释的字节',
  0x8: '表示发送方发起关闭握手，或回复对端的关闭帧',
  0x9: '对端必须回应一个携带相同数据的 Pong',
  0xa: '用来回应 Ping（也可以主动发送，作为心跳）',
};

function at(a: { packet: number | null; relTs: number | null }): string {
  return a.relTs !== null ? `第 ${a.packet} 个包（${a.relTs.toFixed(6)} 秒）` : `第 ${a.packet} 个包`;
}

const closeName = closeCodeNameZh;

function frame(f: FrameFacts): string {
  const hex = f.opcode.toString(16);
  const dir = f.from === 'client' ? '客户端 → 服务器' : '服务器 → 客户端';
  // 先说帧在哪里，再说它是什么、怎样结尾、带了什么：“帧 0 在第 8 个包（…），服务器 → 客户端。它是文本帧（操作码 0x1），承载 UTF-8 文本；……”
  const meaning = OPCODE_MEANING[f.opcode];
  const what = meaning !== undefined ? `它是${/^[A-Za-z]/.test(opcodeNameZh(f.opcode)) ? ' ' : ''}${opcodeNameZh(f.opcode)}（操作码 0x${hex}），${meaning}` : `它的操作码 0x${hex} 是 RFC 6455 保留未用的，任何一端都不得发送`;
  const fin = f.fin ? (f.opcode === 0 ? 'FIN 置位，这是最后一个分片，消息至此完整' : f.opcode >= 8 ? 'FIN 置位（控制帧从不分片）' : 'FIN 置位，整条消息就在这一帧里') : 'FIN 未置位，这条消息后面还有分片';
  const mask = f.masked ? `已用掩码键 ${f.maskingKey} 加掩码` : '未加掩码';
  let content = '';
  if (f.close) content = f.close.code === null ? '，没有状态码' : `，状态码 ${f.close.code}（${closeName(f.close.code)}）${f.close.reason !== null ? `，原因 ${f.close.reason}` : ''}`;
  else if (f.compressed) content = f.compressed === 'rsv1' ? '，已压缩（RSV1 置位）' : '，是一条压缩消息的一部分';
  else if (f.text !== null) content = `，内容为 ${f.text}`;
  const rtt = f.answers ? `；它回应第 ${f.answers.packet} 个包里的 Ping，往返 ${rttZh(f.answers.rtt)}` : '';
  const carried = f.segments ? `，由 ${f.segments.count} 个 TCP 报文段承载（第 ${f.segments.first}–${f.segments.last} 个包）` : '';
  return `帧 ${f.index} 在${at(f.at)}${carried}，${dir}。${what}；${fin}；有效载荷 ${bytesZh(f.length)}，${mask}${content}${rtt}。`;
}

const side = (s: Side | null): string => (s === null ? '某一端' : sideZh(s));

export const EXPLAIN_ZH_CN: ExplainWords = {
  side: sideZh,
  at,
  // 上一行已经是连接的标题（连接 0：……），这里不再重复
  carriesWebSockets: (names) => `这条连接承载的是 HTTP/2，它的流里有 ${names.length} 个 WebSocket，各自作为单独的连接讲解：${names.join('、')}（--stream ${names[0]} --explain）。`,
  title: () => '讲解',
  notWebSocket: (carries) => `不是 WebSocket：这条连接承载的是 ${carries}，从未请求升级为 WebSocket，没有 WebSocket 的内容可讲。`,
  sections: {
    tcpHandshake: 'TCP 三次握手',
    tlsHandshake: 'TLS 握手（wss://）',
    wsHandshake: 'WebSocket 握手（RFC 6455 §4）',
    detection: '怎么知道这是 WebSocket',
    masking: '掩码',
    // 选择缩小了范围时 count 是“选出的/全部”（2/10）
    frames: (count) => `帧（${count.includes('/') ? count : `共 ${count}`} 个），按 RFC 6455 §5.2 的格式展开`,
    noFrames: (count) => `帧（${count} 个）`,
    closing: '关闭握手（RFC 6455 §7）',
    teardown: 'TCP 四次挥手',
    diagnostics: '违反了哪些规则',
    stream: 'HTTP/2 流（RFC 8441）',
    wsHandshakeH2: '基于 HTTP/2 的 WebSocket 握手（RFC 8441 §4、§5）',
    streamEnd: '流的结束',
  },
  carried: (stream, connection) =>
    `这个 WebSocket 没有自己的 TCP 连接：它是连接 ${connection} 的 HTTP/2 流 ${stream}，这条连接同时还可以承载别的 WebSocket 和请求。这里列出的包是这条连接里承载该流的帧的那些包；连接自己的内容（TCP、SETTINGS、其他流）在连接 ${connection} 下讲。`,
  requestH2: (a, stream, target) =>
    `在${a}，客户端用一个 HEADERS 帧打开流 ${stream}：一个指向 ${target} 的扩展 CONNECT。HTTP/2 上没有 Upgrade：由伪首部 :protocol 请求在这个流上打开 WebSocket，也不发送 Sec-WebSocket-Key（只有 HTTP/2 协议栈才能发出 :protocol，它起到了密钥的作用）：`,
  openedH2: (a, status) => `在${a}，服务器返回 ${status}：WebSocket 已打开。此后这个流的 DATA 帧在两个方向上承载 WebSocket 帧，就像 HTTP/1.1 上由 TCP 承载一样；没有需要核对的 Sec-WebSocket-Accept。`,
  rejectedH2: (a, status) => `在${a}，服务器返回 ${status}：只要不是 2xx，这个流上就没有 WebSocket。`,
  streamEnds: (first, other) =>
    `在${first.at}，${side(first.side)}结束了自己这一方向的流（END_STREAM），就像 FIN 结束 TCP 的一个方向${other !== null ? `；${side(other.side)}在${other.at}结束了它那一方向` : ''}。TCP 连接仍为其他流开着。`,
  streamReset: (a, by, websocket) =>
    websocket
      ? `在${a}，${by ? side(by) : '对端'}重置了这个流（RST_STREAM）：WebSocket 立即结束，就像 HTTP/1.1 上 TCP 重置结束连接一样；TCP 连接仍为其他流开着。`
      : `在${a}，${by ? side(by) : '对端'}重置了这个流（RST_STREAM）：这个流就此结束；TCP 连接仍为其他流开着。`,
  streamStillOpen: '抓包结束时，这个流仍然开着。',
  asSentence: (clause) => `${clause}。`,
  detectedBy: (how) =>
    how === 'heuristic'
      ? '抓包里没有它的握手；wsdissect 通过启发式识别认出它：字节流中有一串合法的 WebSocket 帧。'
      : how === 'response'
        ? '抓包里没有它的升级请求，但有服务器切换到 WebSocket 的 101 响应：此后的字节就是 WebSocket。没有请求，就无法检查密钥（因而也无法检查 Accept）和客户端的提议。'
        : '抓包里没有它的握手；按你的要求（--decode-as）当作 WebSocket 解码。',

  tlsHellos: (c, sv) => {
    const parts: string[] = [];
    if (c) parts.push(`${c.at}，客户端用 ClientHello 开始 TLS${c.sni !== null ? `，请求的服务器名是 ${c.sni}` : ''}${c.alpn.length > 0 ? `，提供的应用层协议（ALPN）是 ${c.alpn.join(', ')}` : ''}。`);
    if (sv) parts.push(`${sv.at}，服务器的 ServerHello 选定了 ${sv.version ?? '版本'}${sv.suite !== null ? ` 和密码套件 ${sv.suite}` : ''}。`);
    parts.push('从这里开始记录都是加密的：在线路上，之后的 HTTP 升级和每一个 WebSocket 帧，没有会话的密钥都读不出来。');
    return parts.join('');
  },
  tlsServerSaid: (cert, alpn) => {
    const parts: string[] = [];
    if (cert) {
      const names = cert.altNames.length > 0 ? `，用于 ${cert.altNames.join('、')}` : '';
      parts.push(`服务器出示它的证书（${cert.subject}${names}，${cert.issuer === cert.subject ? '自签名' : `签发者 ${cert.issuer}`}，有效期至 ${cert.notAfter}）：客户端先拿它和自己请求的服务器名核对，才信任这些密钥。`);
    }
    if (alpn !== null) parts.push(`服务器选定的应用层协议（ALPN）是 ${alpn}${alpn === 'http/1.1' ? '：正是用 Upgrade 开始 WebSocket 的 HTTP/1.1' : ''}。`);
    return parts.join('');
  },
  tlsKeyLog: (files) =>
    `wsdissect 用密钥日志 ${files.join('、')} 读出了它们：这是 NSS 密钥日志格式（SSLKEYLOGFILE，RFC 9850）的文本文件，TLS 客户端或服务器把它打开的每个会话的密钥写进去，一行一个，用会话的 client random（ClientHello 里的 32 个随机字节）标识。浏览器、curl、Node、Python 和 Go 都可以按要求写出它；拿到它的人就能读这些流量，所以它只留在调试的人手里。`,
  tlsSecrets: (version, keys) => {
    const used = keys.map((k) => `${k.label}（${k.file} 第 ${k.line} 行）`).join('、');
    if (version === 'TLS 1.3') return `TLS 1.3 的每个方向有自己的密钥：握手流量密钥保护握手的其余部分（证书、Finished），之后的一切用应用流量密钥；每个密钥导出一个密钥和一个 IV（RFC 8446 §7.3），每个记录的 nonce 由 IV 和该记录在这个方向上的序号组合而成（§5.3）。这里用到的是：${used}。`;
    if (version === 'TLS 1.2') return `TLS 1.2 每个会话记一个主密钥（CLIENT_RANDOM）；它和两个 Hello 里的随机数一起导出密钥块，即两个方向各自的密钥（RFC 5246 §6.3）。这里用到的是：${used}。`;
    return `这里用到的是：${used}。`;
  },
  tlsFailed: (n) => `有 ${n} 个记录用这些密钥打不开（见诊断）：不显示它们的内容。`,

  midStream: '抓包开始时这条连接已经建立：文件里没有它的 TCP 握手，所以故事从中途讲起。',
  syn: (a, client, server) => `在${a}，客户端 ${client} 向服务器 ${server} 发送 SYN：“我想建立一条 TCP 连接，我发送的字节从这个初始序列号开始编号”。`,
  synAck: (a) => `在${a}，服务器发回 SYN-ACK：“同意；这是我自己的初始序列号，同时确认你的初始序列号”。`,
  handshakeAck: (a) => `在${a}，客户端用 ACK 确认服务器的序列号：连接在两个方向上都建立好了。`,
  handshakeRtt: (seconds) => `从 SYN 到 SYN-ACK 用了 ${rttZh(seconds)}：从抓包点看到的一次网络往返。`,

  request: (a, methodTarget) => `在${a}，客户端发送一个普通的 HTTP/1.1 请求 ${methodTarget}，用请求首部要求服务器把这条 TCP 连接切换为 WebSocket：`,
  requestHeader: (name) => HEADER_PURPOSE[name] ?? null,
  responseHeader: (name) => RESPONSE_PURPOSE[name] ?? null,
  ordinaryHeader: '不属于 WebSocket 握手（普通的 HTTP 首部）',
  noResponse: '抓包里没有服务器的响应。',
  rejected: (a, status, reason) => `在${a}，服务器返回 ${status} ${reason}：只要不是 101 就没有 WebSocket；升级被拒绝，连接仍是 HTTP（或者关闭）。`,
  refusalBody: (bytes, complete, text) => `它的响应体（${bytesZh(bytes)}${complete ? '' : '，被截断'}）通常会说明原因：${text}`,
  switching: (a) => `在${a}，服务器返回 101 Switching Protocols（切换协议）：从这个响应结束起，双方交换的是 WebSocket 帧，而不再是 HTTP。`,
  acceptIntro: '服务器用客户端的密钥算出 Sec-WebSocket-Accept，证明它看懂了这个请求（RFC 6455 §4.2.2）：',
  acceptSteps: {
    key: '1. 客户端发来的密钥：',
    guid: (guid) => `2. 在后面接上 GUID ${guid}：`,
    sha1: (bytes) => `3. 对这 ${bytes} 字节做 SHA-1，十六进制：`,
    base64: '4. 把 20 字节的哈希值做 base64：',
    sent: '5. 服务器实际发送的：',
    noAccept: '（根本没有 Sec-WebSocket-Accept）',
    match: '✔ 两者一致：握手通过验证',
    differ: '✘ 两者不同：客户端必须断开这条连接（RFC 所说的 Fail the WebSocket Connection）',
  },
  subprotocol: (quoted) => `服务器选择了子协议 ${quoted}：之后的消息都使用这个应用层协议。`,
  deflate: '服务器接受了 permessage-deflate（RFC 7692）：数据消息此后可以压缩，压缩消息的第一帧用 RSV1 位标明；wsdissect 会把这些消息解压，显示应用实际发送的内容。',
  extension: (name) => `服务器接受了扩展 ${name}。`,

  maskingWhy:
    '为什么客户端要加掩码而服务器不加（RFC 6455 §5.3、§10.3）：客户端发给服务器的每一帧，都要用帧头里携带的一个新的随机 4 字节掩码键做异或（XOR）。浏览器里运行着来自许多站点的脚本；掩码让线路上的字节无法被脚本预测，恶意网页就不能把自己的帧伪装成 HTTP 请求，去污染中间代理的缓存。服务器运行的是受信任的代码，所以服务器发出的帧从不加掩码。',
  frame,
  moreFrames: (n) => `……还有 ${n} 个帧（默认报告的帧表列出全部；--frame N 可以画出任意一帧）。`,
  // 帧头图里字段名照 RFC 6455 §5.2 的写法保留，值的名称和“续”说中文
  diagram: {
    opcode: (op) => ({ 0x0: '延续', 0x1: '文本', 0x2: '二进制', 0x8: '关闭', 0x9: 'Ping', 0xa: 'Pong' })[op] ?? '保留',
    extended: (bits) => `（+${bits} 位）`,
    cont: (field) => (field === 'masking key' ? '（掩码键续）' : '（扩展长度续）'),
  },
  unmasking: { wire: '线路上的字节（已加掩码）', key: '异或掩码键第 i mod 4 字节', plain: '= 有效载荷（去掩码后）', firstOf: (n, of) => `（有效载荷 ${of} 字节，显示前 ${n} 字节）` },

  noClose: '双方都没有发送关闭帧：这条 WebSocket 连接不是通过关闭握手结束的（如果 TCP 照样结束了，就是 RFC 6455 §7.1.5 所说的异常关闭 1006）。',
  closeStarts: (initiator, a, code, reason) => {
    const how = code === null ? '不带状态码' : `状态码 ${code}（“${closeName(code)}”）${reason !== null ? `，原因 ${reason}` : ''}`;
    return `${side(initiator)}在${a}发起关闭握手：发送一个关闭帧，${how}。发出之后，它不再发送数据（RFC 6455 §5.5.1）。`;
  },
  closeAnswered: (peer, a, code) => `${side(peer)}在${a}回复了自己的关闭帧${code !== null ? `（${code}）` : ''}：双方都同意这条 WebSocket 连接结束了，TCP 可以关闭。`,
  closeUnanswered: (peer) => `${side(peer)}始终没有回复关闭帧：关闭握手不完整。`,
  stillOpen: '抓包结束时，这条 TCP 连接仍然开着。',
  reset: (a, by) => `在${a}，${side(by)}重置了连接（RST）：TCP 立即结束，没有有序的 FIN 交换。`,
  fin: (a, first, peer, peerFin) => `在${a}，${side(first)}发送 FIN：“我没有数据要发送了”。${side(peer)}确认了它${peerFin !== null ? `，并在${peerFin}发送自己的 FIN` : ''}；最后一个 ACK 结束了这条连接。`,
  serverClosedFirst: '服务器先关闭了 TCP，正如 RFC 6455 §7.1.1 所建议的（SHOULD），所以进入 TIME_WAIT 状态的是服务器，而不是客户端。',
  clientClosedFirst: '客户端先关闭了 TCP；RFC 6455 §7.1.1 建议（SHOULD）由服务器先关闭，好让进入 TIME_WAIT 状态的是服务器而不是客户端。',

  severity: (s) => (s === 'error' ? '错误' : s === 'warning' ? '警告' : '提示'),
  diagnostic: (severity, d) => {
    // where: the packet, the frame and its sender, as the English report and check say them
    const where = [d.packet !== null ? `第 ${d.packet} 个包` : null, d.frame !== null ? `帧 ${d.frame}` : null, d.from !== null ? sideZh(d.from) : null].filter((x) => x !== null);
    const head = `${severity} ${d.code}${where.length > 0 ? `（${where.join('，')}）` : ''}`;
    // a message still worded in English where it is raised stays an English sentence: no Chinese punctuation is put on it
    if (!d.facts) return `${head}: ${sanitize(d.message)}${d.rfc ? ` (${d.rfc})` : ''}`;
    return `${head}：${sanitize(diagnosticTextZh(d.facts))}${d.rfc ? `——见 ${d.rfc}` : ''}。`;
  },
  diagnosticMessage: (d) => (d.facts ? diagnosticTextZh(d.facts) : d.message),
  noFrame: (conn, index, frames) => `连接 ${conn} 没有帧 ${index}（它有 ${frames} 个帧，从 0 开始编号）`,
};
