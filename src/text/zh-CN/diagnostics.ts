// 诊断的简体中文说法：和 text/diagnostics.ts 的英文一样，由事实（代码和取值）造句。
// 每个代码都必须有一句（switch 不全时编译不过）。代码本身、命令行选项和
// 抓包里的原文保持原样。
import type { AfterGap, DiagnosticFacts, MqttField, MqttProblem } from '../diagnostics.js';
import { errorName, FRAME_NAMES } from '../../http2/frames.js';
import { tlsVersionName } from '../../tls/names.js';
import type { SocketIoProblem } from '../../diagnostic.js';
import type { DeflateMismatch, DeflateParamProblem, DeflateResponseProblem } from '../../deflate/negotiation.js';
import type { Side } from '../../vocabulary.js';
import { previewPayload } from '../../util/text.js';
import { clipText } from '../../app/types.js';
import { closeCodeNameZh, opcodeNameZh, sideZh } from './words.js';

/** 一个字节数的上限，按其选项的写法：16M、64K、1000 字节。 */
function limitText(n: number): string {
  for (const [unit, size] of [['G', 1024 ** 3], ['M', 1024 ** 2], ['K', 1024]] as const) if (n >= size && n % size === 0) return `${n / size}${unit}`;
  return `${n} 字节`;
}

function afterGap(a: AfterGap): string {
  switch (a) {
    case 'frames':
      return '帧的解码继续进行';
    case 'tls':
      return '之后的 TLS 记录照常跟踪';
    case 'cut-head':
      return '它们所属的 HTTP 头部按抓到的部分读取';
    case 'awaiting':
      return '之后的内容等另一方表明格式后再读';
    case 'http':
      return '这个方向不再继续解码';
    case 'http2':
      return '之后的 HTTP/2 帧不再解码（没有标记能找到下一帧的开头），这个方向上它们承载的 WebSocket 流也不再解码';
    case 'nothing':
      return '这里原本没有在解码任何内容';
  }
}

const side = (s: Side): string => sideZh(s);
const peerOf = (s: Side): string => sideZh(s === 'client' ? 'server' : 'client');
const typeZh = (t: 'text' | 'binary'): string => (t === 'text' ? '文本' : '二进制');
const op = opcodeNameZh;

/** 把句子的几段连起来：拉丁字母或数字和汉字相接处加一个空格（和整个目录的写法一样），其余照原样。 */
function spaced(...parts: string[]): string {
  const cjk = /[\u4e00-\u9fff]/;
  const latin = /[A-Za-z0-9"]/;
  let out = '';
  for (const p of parts) {
    if (p === '') continue;
    const a = out.slice(-1);
    const b = p.charAt(0);
    if (out !== '' && ((cjk.test(a) && latin.test(b)) || (latin.test(a) && cjk.test(b)))) out += ' ';
    out += p;
  }
  return out;
}

/** MQTT 包的字段，按规范的叫法；MQTT 5 的属性保留它的名字。 */
const MQTT_FIELDS: Record<Exclude<MqttField, { property: string }>, string> = {
  'protocol name': '协议名',
  'protocol level': '协议级别',
  'connect flags': '连接标志',
  'keep alive': '保持连接时间',
  'client identifier': '客户端标识符',
  'will topic': '遗嘱主题',
  'will payload': '遗嘱有效载荷',
  'user name': '用户名',
  password: '密码',
  'acknowledge flags': '确认标志',
  'return code': '返回码',
  'reason code': '原因码',
  'topic name': '主题名',
  'packet identifier': '包标识符',
  'topic filter': '主题过滤器',
  'subscription options': '订阅选项',
  'property length': '属性长度',
  properties: '属性',
  'property identifier': '属性标识符',
  'user property name': '用户属性名',
  'user property value': '用户属性值',
  payload: '有效载荷',
};

const mqttField = (f: MqttField): string => (typeof f === 'string' ? MQTT_FIELDS[f] : `属性 ${f.property}`);

function mqttProblem(p: MqttProblem): string {
  switch (p.problem) {
    case 'remaining-length':
      return '它的剩余长度超过 4 字节';
    case 'ends-inside':
      return spaced('它在', mqttField(p.field), '的中间就结束了');
    case 'varint-too-long':
      return spaced('它的', mqttField(p.field), '是超过 4 字节的变长字节整数');
    case 'not-utf8':
      return spaced('它的', mqttField(p.field), '不是合法的 UTF-8');
    case 'unknown-property':
      return `它带有未知的属性标识符 0x${p.id.toString(16)}`;
    case 'properties-overrun':
      return '它的属性超出了属性长度';
    case 'reserved-type':
      return '包类型 0 是保留的';
    case 'fixed-flags':
      return `它的固定头部标志是 ${p.flags.toString(2).padStart(4, '0')}，而不是 ${p.expected.toString(2).padStart(4, '0')}`;
    case 'reserved-connect-flag':
      return '它设置了保留的连接标志位';
    case 'qos-3':
      return '它的 QoS 是 3';
    case 'no-subscription':
      return '它没有订阅任何主题';
    case 'no-unsubscription':
      return '它没有取消订阅任何主题';
    case 'auth-before-5':
      return 'AUTH 只存在于 MQTT 5 中';
    case 'bytes-left':
      return `它的字段之后还剩 ${p.bytes} 字节`;
  }
}

function sockJsProblem(f: Extract<DiagnosticFacts, { code: 'app.sockjs-bad-frame' }>): string {
  switch (f.problem) {
    case 'binary':
      return `来自${side(f.side)}的一条二进制消息；SockJS 帧是文本`;
    case 'client-not-strings':
      return '一条不是 JSON 字符串数组的 SockJS 客户端消息';
    case 'open-with-data':
      return '一个在 "o" 之后还带有数据的 SockJS 打开帧';
    case 'heartbeat-with-data':
      return '一个在 "h" 之后还带有数据的 SockJS 心跳帧';
    case 'array-not-strings':
      return '一个数据不是 JSON 字符串数组的 SockJS "a" 帧';
    case 'message-not-string':
      return '一个数据不是 JSON 字符串的 SockJS "m" 帧';
    case 'close-not-pair':
      return '一个数据不是 [code, "reason"] 的 SockJS 关闭帧';
    case 'unknown':
      return '不是 SockJS 帧（o、h、a、m 或 c）';
  }
}

function graphQlProblem(f: Extract<DiagnosticFacts, { code: 'app.graphql-bad-message' }>): string {
  switch (f.problem) {
    case 'binary':
      return `来自${side(f.side)}的一条二进制消息；${f.protocol} 的消息是 JSON 文本：${JSON.stringify(f.text)}`;
    case 'not-json':
      return `一条不是 JSON 的 ${f.protocol} 消息：${JSON.stringify(f.text)}`;
    case 'not-typed':
      return `一条 ${f.protocol} 消息不是带有字符串 "type" 的对象：${JSON.stringify(f.text)}`;
    case 'unknown-type':
      return `${JSON.stringify(f.type)} 不是 ${f.protocol} 的消息类型：${JSON.stringify(f.text)}`;
    case 'wrong-side':
      return `${side(f.side)}发送了 "${f.type}"，而在 ${f.protocol} 中只有${side(f.sender)}发送它`;
    case 'no-id':
      return `一条没有 id 的 ${f.protocol} "${f.type}" 消息`;
  }
}

function jsonRpcProblem(f: Extract<DiagnosticFacts, { code: 'app.jsonrpc-invalid' }>): string {
  switch (f.problem) {
    case 'empty-batch':
      return '一个空的 JSON-RPC 批量调用';
    case 'not-jsonrpc':
      return `一条 JSON-RPC 消息不是带有 "jsonrpc": "2.0" 的对象：${f.item}`;
    case 'id-type':
      return `一个既不是字符串、数字也不是 null 的 JSON-RPC id：${f.id}`;
    case 'method-not-string':
      return '一个 method 不是字符串的 JSON-RPC 请求';
    case 'request-with-result':
      return `一个 JSON-RPC 请求（${f.method}）同时还带有 result 或 error`;
    case 'result-and-error':
      return '一个同时带有 result 和 error 的 JSON-RPC 响应';
    case 'neither':
      return '一个既没有 method，也没有 result 或 error 的 JSON-RPC 对象';
    case 'response-without-id':
      return '一个没有 id 的 JSON-RPC 响应';
    case 'error-object':
      return '一个没有数字 code 和字符串 message 的 JSON-RPC 错误对象';
  }
}

function engineIoProblem(f: Extract<DiagnosticFacts, { code: 'app.engineio-bad-packet' }>): string {
  switch (f.problem) {
    case 'binary-type':
      return f.first === null ? '一条空的二进制 Engine.IO 3 消息：它的第一个字节应当是 4（message）' : `一条二进制 Engine.IO 3 消息的第一个字节是 ${f.first}，而不是 4（message）`;
    case 'unknown-type':
      return `一个类型未知的 Engine.IO 包：${JSON.stringify(f.text)}`;
    case 'open-without-sid':
      return `一个 Engine.IO open 包，它的数据不是带有 sid 的握手对象：${JSON.stringify(f.data)}`;
  }
}

function stompProblem(f: Extract<DiagnosticFacts, { code: 'app.stomp-bad-frame' }>): string {
  switch (f.problem) {
    case 'no-eol':
      return `STOMP 帧 ${JSON.stringify(f.text)} 在命令之后没有行尾`;
    case 'unknown-command':
      return `${JSON.stringify(f.command)} 不是 STOMP 命令`;
    case 'cut-in-headers':
      return `STOMP ${f.command} 帧在首部中间就结束了（正文之前没有空行）`;
    case 'header-without-colon':
      return `STOMP ${f.command} 帧有一行首部没有冒号：${JSON.stringify(f.line)}`;
  }
}

/** 一条诊断的中文句子，由它的事实造成。 */
function deflateParamZh(p: DeflateParamProblem): string {
  switch (p.kind) {
    case 'repeated':
      return `${p.name} 出现了不止一次`;
    case 'has-value':
      return `${p.name} 不能带值（却是 "${p.value}"）`;
    case 'window-bits':
      return `${p.name} 必须是 8 到 15 之间的数（却是${p.value === null ? '空的' : ` "${p.value}"`}）`;
    case 'needs-value':
      return '响应里的 client_max_window_bits 必须带值';
    case 'unknown':
      return `未知参数 ${p.name}`;
  }
}

function deflateMismatchZh(m: DeflateMismatch): string {
  switch (m.kind) {
    case 'offer-invalid':
      return `提议 "${m.offer}" 本身就无效（${m.problems.map(deflateParamZh).join('；')}），所以不能被接受`;
    case 'takeover-not-granted':
      return '客户端要求 server_no_context_takeover，响应却没有同意';
    case 'client-bits-not-offered':
      return '响应设置了 client_max_window_bits，而客户端并没有提出';
    case 'client-bits-above':
      return `响应设置的 client_max_window_bits=${m.response} 大于客户端提出的 ${m.offered}`;
    case 'server-bits':
      return `客户端把 server_max_window_bits 限制为 ${m.offered}，响应却${m.response === null ? '没有确认' : `给出 ${m.response}`}`;
  }
}

function deflateResponseZh(p: DeflateResponseProblem): string {
  if ('invalid' in p) return `服务器的 permessage-deflate 响应无效：${p.invalid.map(deflateParamZh).join('；')}`;
  return p.mismatches.length === 1 ? deflateMismatchZh(p.mismatches[0]!) : `它不符合 ${p.offers} 个提议中的任何一个（${p.mismatches.map(deflateMismatchZh).join('；')}）`;
}

/** An MQTT packet by its type: the type's own name ("MQTT PUBLISH 包"), type 0 by what it is. */
function mqttTypeZh(type: string | undefined): string {
  return type === 'reserved' ? '保留类型（0）的 MQTT 包' : type === undefined ? 'MQTT 包' : `MQTT ${type} 包`;
}

function socketIoProblemZh(p: SocketIoProblem): string {
  switch (p.why) {
    case 'type':
      return `类型 ${JSON.stringify(p.char)} 不在 0-6 之间`;
    case 'no-attachments':
      return `${p.packet} 包缺少附件个数`;
    case 'not-json':
      return '它的数据不是 JSON';
    case 'not-event-array':
      return `${p.packet} 包的数据不是以事件名开头的数组`;
    case 'not-array':
      return `${p.packet} 包的数据不是数组`;
    case 'no-id':
      return `${p.packet} 包没有 id`;
  }
}

function noKeyZh(f: Extract<DiagnosticFacts, { code: 'tls.no-key' }>): string {
  const r = f.reason;
  const logs = f.files.length === 0 ? '密钥日志' : `密钥日志 ${f.files.join('、')} `;
  switch (r.why) {
    case 'no-client-hello':
      return `TLS 记录没有解密：抓包里没有 ClientHello，而密钥日志正是用它的 client random 来标识会话的（抓包在 TLS 握手之后才开始）`;
    case 'no-server-hello':
      return `TLS 记录没有解密：抓包里没有 ServerHello，不知道 TLS 版本和密码套件（client random ${r.clientRandom}）`;
    case 'no-key':
      return `${logs}里没有这个 TLS 会话（client random ${r.clientRandom}）的密钥：它的密钥没有记到这里，或者记到了别的文件${r.resumes === null ? '' : `；它恢复的是之前的一个会话（通过${r.resumes === 'ticket' ? ' ticket' : '会话 ID'}），而那个会话的第一条连接不在抓包里：那条连接在密钥日志里的那一行也能打开这一条`}`;
    case 'no-secret':
      return `${logs}里有 client random ${r.clientRandom} 的行，但没有${f.side === null ? '这条连接' : side(f.side)}的记录所需的 ${r.labels.join(' 或 ')}`;
    case 'secret-length':
      return `client random ${r.clientRandom} 的 ${r.label}（${r.source.file} 第 ${r.source.line} 行）是 ${r.length} 字节；${r.suite} 需要 ${r.need} 字节`;
    case 'suite':
      return `wsdissect 不解密密码套件 ${r.suite}（client random ${r.clientRandom}）`;
    case 'version':
      return `wsdissect 不解密 ${tlsVersionName(r.version)}（client random ${r.clientRandom}）`;
  }
}

function recordFailureZh(reason: string): string {
  switch (reason) {
    case 'authentication':
      return '认证标签校验不通过';
    case 'too-short':
      return '短得放不下认证标签';
    case 'no-content-type':
      return '内层明文没有内容类型';
    default:
      return reason;
  }
}

function keyLogLineZh(kind: Extract<DiagnosticFacts, { code: 'tls.keylog-line' }>['kind']): string {
  switch (kind) {
    case 'fields':
      return '它不是“标签 client random 密钥”三段';
    case 'client-random':
      return '它的 client random 不是 64 个十六进制数字';
    case 'secret':
      return '它的密钥不是十六进制，或长度不合它的标签';
    case 'conflict':
      return '同一标签和 client random 之前已经记过另一个密钥（用第一个）';
  }
}


function h2FrameZh(type: number): string {
  return FRAME_NAMES[type] ?? `类型 0x${type.toString(16)} 的帧`;
}

/** 首部块无法解码的原因（http2/hpack.ts 的 HpackError）。 */
function hpackReasonZh(reason: string): string {
  switch (reason) {
    case 'truncated':
      return '在一个字段中间结束';
    case 'integer-overflow':
      return '整数过大';
    case 'index-zero':
      return '索引为 0，不指向任何字段';
    case 'index-out-of-range':
      return '索引超出了两张表';
    case 'huffman-eos':
      return 'Huffman 字符串里出现了结束码';
    case 'huffman-padding':
      return 'Huffman 字符串的填充不对';
    case 'table-size-over-limit':
      return '表大小超过了对端设定的上限';
    case 'table-size-update-late':
      return '表大小更新出现在第一个字段之后';
    default:
      return reason;
  }
}

function h2FrameProblemZh(f: Extract<DiagnosticFacts, { code: 'h2.frame-error' }>): string {
  const frame = h2FrameZh(f.type);
  switch (f.what) {
    case 'stream-zero':
      return `流 0 上的 ${frame} 帧，而流 0 只承载连接本身的帧（PROTOCOL_ERROR）`;
    case 'stream-nonzero':
      return `流 ${f.stream} 上的 ${frame} 帧：它只属于流 0（PROTOCOL_ERROR）`;
    case 'padding':
      return `流 ${f.stream} 上的 ${frame} 帧，其 Pad Length 不小于整个载荷（PROTOCOL_ERROR）`;
    case 'settings-length':
      return '长度不是 6 的倍数的 SETTINGS 帧（FRAME_SIZE_ERROR）';
    case 'continuation-expected':
      return `流 ${f.stream} 上的 ${frame} 帧，插在一个还在等 CONTINUATION 的首部块中间（PROTOCOL_ERROR）；未完成的首部块被丢弃`;
    case 'continuation-unexpected':
      return `流 ${f.stream} 上的 CONTINUATION 帧，而该流没有未完成的首部块（PROTOCOL_ERROR）`;
    case 'even-stream':
      return `客户端打开了偶数编号的流 ${f.stream}：客户端打开的流应为奇数（PROTOCOL_ERROR）`;
    case 'frame-size':
      return `流 ${f.stream} 上长度不符合其类型的 ${frame} 帧（FRAME_SIZE_ERROR）`;
    case 'too-large':
      return `一个超过接收方 SETTINGS_MAX_FRAME_SIZE 所允许长度的 ${frame} 帧（FRAME_SIZE_ERROR，§4.2）：从这里起不再按 HTTP/2 读取`;
    case 'idle-stream':
      return `流 ${f.stream} 上的 ${frame} 帧，而这个流从未由 HEADERS 打开（空闲流，§5.1：PROTOCOL_ERROR）`;
    case 'no-status':
      return `流 ${f.stream} 上没有三位数字 :status 的响应（格式错误，§8.3.2）：不把它当作这个流的响应`;
  }
}

export function diagnosticTextZh(f: DiagnosticFacts): string {
  switch (f.code) {
    case 'h2.connect-not-enabled':
      return `流 ${f.stream}：客户端发送了扩展 CONNECT（:protocol ${f.protocol}），${f.setting === null ? '而服务器尚未发送 SETTINGS_ENABLE_CONNECT_PROTOCOL' : `而服务器的 SETTINGS_ENABLE_CONNECT_PROTOCOL 为 ${f.setting}`}：未启用它的服务器会把这个请求当作格式错误`;
    case 'h2.connect-setting':
      return f.value > 1 ? `${side(f.side)}发送了 SETTINGS_ENABLE_CONNECT_PROTOCOL = ${f.value}：取值只能是 0 或 1` : `${side(f.side)}在发送过 1 之后又发送了 SETTINGS_ENABLE_CONNECT_PROTOCOL = 0`;
    case 'h2.protocol-without-connect':
      return `流 ${f.stream}：${f.method} 请求带有 :protocol ${f.protocol}；这个伪首部只能出现在扩展 CONNECT 上`;
    case 'h2.connect-pseudo-missing':
      return `流 ${f.stream}：扩展 CONNECT 缺少 ${f.missing.join('、')}`;
    case 'h2.connect-scheme':
      return `流 ${f.stream}：WebSocket 扩展 CONNECT 的 ${f.scheme === null ? ':scheme 缺失' : `:scheme 为 ${f.scheme}`}；它必须是 http（ws://）或 https（wss://）`;
    case 'h2.connect-hop-header':
      return `流 ${f.stream}：WebSocket 扩展 CONNECT 带有 ${f.headers.join(' 和 ')}，而 HTTP/2 没有这些首部`;
    case 'h2.websocket-key':
      return `流 ${f.stream}：${f.in === 'request' ? '请求' : '响应'}带有 ${f.headers.join(' 和 ')}；在 HTTP/2 上由 :protocol 伪首部取代它们，不检查它们`;
    case 'h2.stream-reset':
      return `${side(f.side)}重置了 WebSocket 流 ${f.stream}（RST_STREAM ${errorName(f.error)}）：WebSocket 异常结束，如同 HTTP/1.1 上的 TCP 重置`;
    case 'h2.goaway':
      return `${side(f.side)}发送了 GOAWAY（${errorName(f.error)}，最后处理的流 ${f.lastStream}）${f.open.length > 0 ? `，此时 WebSocket 流 ${f.open.join('、')} 仍在打开` : ''}`;
    case 'h2.flow-control':
      return `${side(f.side)}在流 ${f.stream} 上发送了 ${f.length} 字节的 DATA 帧，而${f.connection ? '连接' : '流'}的流量控制窗口只允许 ${Math.max(0, f.window)} 字节`;
    case 'h2.frame-error':
      return `${side(f.side)}发送了${h2FrameProblemZh(f)}`;
    case 'h2.hpack-error':
      return `流 ${f.stream}：来自${side(f.side)}的首部块在第 ${f.at} 字节处无法解码（${hpackReasonZh(f.reason)}）；保留它之前的字段，这个方向之后的首部块可能读错`;
    case 'h2.after-end-stream':
      return `${side(f.side)}在结束流 ${f.stream} 的本方向（第 ${f.ended} 个包的 END_STREAM）之后又发送了 ${h2FrameZh(f.type)}`;
    case 'tls.no-key':
      return noKeyZh(f);
    case 'tls.decrypt-failed':
      return `来自${side(f.side)}的一个 TLS 记录用密钥日志里的密钥打不开（${recordFailureZh(f.reason)}）：为这个会话记下的密钥不对，或者记录已损坏；不显示它的内容，之后的记录会重新尝试解密`;
    case 'tls.keylog-line':
      return `没有读取 ${f.file} 第 ${f.line} 行：${keyLogLineZh(f.kind)}（${f.text}${f.hidden.length === 0 ? '' : `，之后的 ${f.hidden.join(' + ')} 个字符不显示`}）${f.more > 0 ? `；密钥日志里另有 ${f.more} 行没有读取` : ''}`;
    case 'limit.connections':
      return `同时打开的连接超过 ${f.max} 条（--max-connections ${f.max}）：从第 ${f.from} 个包起，其中 ${f.evicted} 条（每次都是最安静的那条）在结束前就被报告了；它们之后的包会开始一条新连接`;
    case 'limit.reassembly':
      return `放弃了来自${side(f.side)}的 ${f.bytes} 字节：其后乱序暂存的数据超过了重组上限（每个方向 ${limitText(f.perDirection)}，--max-reassembly；总共 ${limitText(f.total)}，--max-reassembly-total）；${afterGap(f.after)}`;
    case 'tcp.gap':
      return `来自${side(f.side)}的 ${f.bytes} 字节从未被抓到（抓包丢失）；${afterGap(f.after)}`;
    case 'http.too-many-headers':
      return `一个 HTTP 头部有 ${f.lines} 行首部，超过上限 ${f.max}（--max-http-headers）：只读取前 ${f.max} 行`;
    case 'http.head-too-large':
      return `一个 HTTP 头部超过 ${limitText(f.max)}（--max-http-head）仍未结束；这个方向余下的内容不再解码`;
    case 'limit.payload':
      if ('mqtt' in f) return `来自${side(f.mqtt.side)}的一个 ${mqttTypeZh(f.mqtt.type)}有 ${f.mqtt.length} 字节：超过了跨消息跟踪的上限 ${f.max}，所以跳过它，不解码`;
      return 'frame' in f
        ? `这一帧带有 ${f.frame.length} 字节的有效载荷；只保留了前 ${limitText(f.held)}（--max-frame-payload），所以不检查它的内容`
        : `${typeZh(f.message.type)}消息 ${f.message.index} 共 ${f.message.length} 字节，分成 ${f.message.frames} 个帧；只保留了前 ${limitText(f.held)}（--max-frame-payload），所以不检查它的内容`;
    case 'message.inflate-limit':
      return `${typeZh(f.type)}消息 ${f.index}（压缩后 ${f.compressed} 字节）解压后超过 ${f.limit} 字节：解压在上限处停止（--inflate-limit）`;
    case 'tcp.handshake-missing': {
      const roles = f.rolesFrom === 'http' ? 'HTTP 交换' : f.rolesFrom === 'frames' ? '帧的掩码' : '端口号';
      const how = f.detection === 'heuristic' ? '；WebSocket 是启发式识别出来的（字节流里有一串合法的帧）' : f.detection === 'decode-as' ? '；按要求当作 WebSocket 解码（--decode-as）' : f.detection === 'response' ? '；服务器的 101 响应把它切换为 WebSocket，而它所响应的升级请求不在抓包里（请求的密钥和提议无法检查）' : '';
      return spaced('抓包从这条连接的中途开始（没有看到 SYN）；两端的角色由', roles, `判断${how}`);
    }
    case 'capture.unknown-link-type':
      return `无法解码链路类型为 ${f.linkType} 的包；这些包被跳过`;
    case 'capture.truncated-packet':
      return `第 ${f.packet} 个包被快照长度截断（抓到 ${f.original} 字节中的 ${f.captured} 字节）；缺少的字节成为流中的空洞`;
    case 'ip.fragments-incomplete':
      return `有 ${f.datagrams} 个分片的 IP 数据报没有抓全所有分片；它们的字节在流中缺失`;
    case 'internal.error':
      return `${f.stage === 'packet' ? `第 ${f.packet} 个包无法分析` : `连接 ${f.connection} 无法${f.stage === 'finish' ? '收尾' : '报告'}`}（内部错误）：${f.error}`;
    case 'capture.damaged':
      return `${f.compressed ? '压缩文件' : '文件'}在第 ${f.after} 个包之后损坏：${f.reason}；之前的内容都已读取`;
    case 'capture.truncated-file':
      return f.inside
        ? `文件在${f.inside.what === 'a record header' ? '一个记录头' : f.inside.what === 'a packet record' ? '一个包记录' : '一个块'}的中间结束（第 ${f.after} 个包之后还有 ${f.inside.left} 字节）；之前的内容都已读取`
        : `压缩文件提前结束，在第 ${f.after} 个包之后；之前的内容都已读取`;
    case 'frame.client-unmasked':
      return spaced('客户端发送的', op(f.opcode), '没有设置 MASK 位；客户端必须给每一帧加掩码');
    case 'frame.server-masked':
      return spaced('服务器发送了加掩码的', op(f.opcode), `（掩码键 ${f.key}）；服务器不得加掩码`);
    case 'frame.reserved-opcode':
      return `操作码 0x${f.opcode.toString(16)} 是保留的，没有扩展定义它时不得使用`;
    case 'frame.control-too-long':
      return spaced('一个', op(f.opcode), `带有 ${f.length} 字节；控制帧最多只能带 125 字节`);
    case 'frame.control-fragmented':
      return spaced('一个', op(f.opcode), '的 FIN 未置位；控制帧不得分片');
    case 'frame.length-not-minimal':
      return `有效载荷长度 ${f.length} 用了 ${f.bits} 位的形式发送；必须使用最短的形式`;
    case 'frame.length-msb-set':
      return `64 位有效载荷长度 ${f.length} 的最高位被置位了`;
    case 'frame.rsv1-on-control':
      return spaced(op(f.opcode), '设置了 RSV1；permessage-deflate 从不压缩控制帧');
    case 'frame.rsv1-on-continuation':
      return '延续帧设置了 RSV1；在 permessage-deflate 下只有消息的第一帧带它';
    case 'frame.rsv-without-extension':
      return spaced(op(f.opcode), `设置了 ${f.bits.join(' 和 ')}，但没有协商好的扩展定义${f.bits.length > 1 ? '它们' : '它'}`);
    case 'frame.expected-continuation':
      return `消息 ${f.open} 还没有结束，却来了一个新的${typeZh(f.type)}帧；这里应当是延续帧`;
    case 'frame.unexpected-continuation':
      return '来了一个延续帧，但并没有未完成的分片消息';
    case 'close.payload-one-byte':
      return '关闭帧的有效载荷只有 1 字节；它必须为空，或以 2 字节的状态码开头';
    case 'close.invalid-code':
      return `关闭状态码 ${f.closeCode}（${closeCodeNameZh(f.closeCode)}）不得在关闭帧里发送`;
    case 'close.invalid-utf8-reason':
      return '关闭原因不是合法的 UTF-8';
    case 'handshake.method':
      return `升级请求使用了 ${f.method}；必须是 GET`;
    case 'handshake.http-version':
      return `升级请求是 ${f.version}；必须是 HTTP/1.1 或更高`;
    case 'handshake.host-missing':
      return '升级请求没有 Host 首部';
    case 'handshake.upgrade-header':
      if (f.got) return `${f.in === 'request' ? '请求' : '响应'}的 Upgrade 首部是 "${f.got}"；必须是 "websocket"`;
      return f.in === 'request' ? '请求没有 Upgrade: websocket 首部' : '101 响应没有 Upgrade: websocket 首部';
    case 'handshake.connection-header':
      if (f.got) return `${f.in === 'request' ? '请求' : '响应'}的 Connection 首部是 "${f.got}"；必须包含 Upgrade`;
      return f.in === 'request' ? '请求没有 Connection: Upgrade 首部' : '101 响应没有 Connection: Upgrade 首部';
    case 'handshake.key-invalid':
      if ('key' in f) return `Sec-WebSocket-Key "${f.key}" 不是恰好 16 字节的 base64（解码后是 ${f.decodedBytes} 字节）`;
      return f.keys === 0 ? '请求没有 Sec-WebSocket-Key 首部' : `请求有 ${f.keys} 个 Sec-WebSocket-Key 首部；必须恰好一个`;
    case 'handshake.version':
      return f.versions.length === 0 ? '请求没有 Sec-WebSocket-Version 首部；它必须是 13' : `Sec-WebSocket-Version 是 "${f.versions.join(', ')}"；必须是 13`;
    case 'handshake.rejected':
      if (f.http2) return `服务器以 ${f.status}${f.reason ? ` ${f.reason}` : ''} 响应 WebSocket 的扩展 CONNECT，而不是 2xx：这个流上没有 WebSocket`;
      return `服务器以 ${f.status}${f.reason ? ` ${f.reason}` : ''} 响应升级请求，而不是 101 Switching Protocols`;
    case 'handshake.accept-missing':
      return '101 响应没有 Sec-WebSocket-Accept 首部';
    case 'handshake.accept-mismatch':
      return `Sec-WebSocket-Accept 是 ${f.accepts.join(', ')}，应当是 ${f.expected}（密钥与 GUID 拼接后 SHA-1 的 base64）`;
    case 'handshake.subprotocol-not-offered':
      return `服务器选择了子协议 "${f.chosen}"，但客户端并没有提供它（提供的是：${f.offered.join(', ') || '无'}）`;
    case 'handshake.extension-not-offered':
      if ('parameters' in f) return `服务器接受 permessage-deflate 时用了客户端无法接受的参数：${deflateResponseZh(f.parameters)}`;
      return f.why === 'repeated' ? `服务器的响应不止一次列出 "${f.name}"` : `服务器接受了扩展 "${f.name}"，但客户端并没有提供它`;
    case 'handshake.no-response':
      return `第 ${f.request} 个包里的升级请求在这次抓包中没有得到响应`;
    case 'handshake.frames-before-upgrade':
      return `客户端在第 ${f.packet} 个包发送了${f.opcode === 1 ? '文本' : f.opcode === 2 ? '二进制' : '数据'}帧，而服务器的 101 响应还没有完成`;
    case 'tcp.overlap-conflict':
      return `第 ${f.packet} 个包带有已经收到过的字节，而且与第一份不同（保留第一份）`;
    case 'ws.unframed':
      return `来自${side(f.side)}的 ${f.bytes} 字节直到抓包结束都无法分帧`;
    case 'ws.resync':
      if ('packet' in f) {
        const lead = f.undecrypted ? `一个 TLS 记录无法解密，帧解码从第 ${f.packet} 个包起恢复` : f.afterLoss ? `抓包丢失了一些字节，帧解码从第 ${f.packet} 个包起恢复` : `抓包从连接的中途开始，帧解码从第 ${f.packet} 个包起`;
        const what = f.skipped === 0 ? '第一个字节正好是帧头' : `先跳过了 ${f.skipped} 字节无法成帧的数据（不为它们臆造帧）`;
        return `${lead}，${what}`;
      }
      return `${side(f.side)}发来的前 ${f.bytes} 字节是一个帧的末尾，这个帧在抓包开始之前就已发出；解码从下一个帧头开始`;
    case 'handshake.truncated': {
      const head = `第 ${f.packet} 个包里的${f.role === 'request' ? '升级请求' : '响应'}没有抓全（只抓到 ${f.bytes} 字节，首部 ${f.headers} 行）`;
      if (f.role === 'request') return `${head}；${f.upgrade ? '从抓到的部分看，它要求升级' : '它是否要求升级，落在没抓到的字节里（不过响应表明它要求了）'}；不检查它是否合乎规则，也不拿它的提议来评判响应`;
      return `${head}；连接已经升级（状态码 101）；${f.acceptChecked ? '已核对 Sec-WebSocket-Accept' : '抓到的首部里没有 Sec-WebSocket-Accept，因此没有核对'}${f.extensionsKnown ? '' : '；协商了哪些扩展也无从得知（帧如果带 RSV1，就按 permessage-deflate 处理）'}；帧从下一个报文段起解码`;
    }
    case 'close.data-after-close':
      return `${side(f.side)}在自己的关闭帧（帧 ${f.close}）之后又发送了数据帧`;
    case 'message.inflate-failed':
      return `压缩的${typeZh(f.type)}消息 ${f.index}（${f.length} 字节）无法在协商好的上下文中解压（${f.takeover ? '使用' : '不使用'}上下文接管，窗口 ${f.windowBits} 位）：${f.detail}`;
    case 'message.invalid-utf8':
      return `文本消息 ${f.index}（${f.length} 字节${f.inflated ? '，解压后' : ''}）不是合法的 UTF-8`;
    case 'pong.payload-mismatch':
      return `这个 Pong 带的是 ${previewPayload(f.pong, 24)}，但它回应的 Ping（第 ${f.pingPacket} 个包）带的是 ${previewPayload(f.ping, 24)}`;
    case 'ping.unanswered':
      return spaced(`${side(f.side)}在第 ${f.packet} 个包发出的 Ping${f.count > 1 ? `（以及之前的 ${f.count - 1} 个）` : ''}`, `直到连接结束都没有收到${peerOf(f.side)}的 Pong`);
    case 'close.abnormal':
      if (f.stream) return `HTTP/2 流结束了（${f.teardown === 'rst' ? 'RST_STREAM' : 'END_STREAM'}），双方都没有发送关闭帧`;
      return `TCP 连接结束了（${f.teardown.toUpperCase()}），双方都没有发送关闭帧`;
    case 'close.not-echoed':
      return `${side(f.initiator)}发送了关闭帧（第 ${f.packet} 个包），但${peerOf(f.initiator)}直到连接结束都没有回复关闭帧`;
    case 'close.client-closed-tcp-first':
      return '客户端比服务器先关闭了 TCP；应当由服务器先关闭，这样 TIME_WAIT 状态不会留在客户端';
    case 'app.engineio-bad-packet':
      return engineIoProblem(f);
    case 'app.socketio-bad-packet':
      return `Engine.IO 消息 ${JSON.stringify(f.text)} 里的 Socket.IO 包无法解析：${socketIoProblemZh(f.problem)}`;
    case 'app.socketio-connect-error':
      return `服务器拒绝连接到命名空间 ${clipText(f.namespace, 60)}：${clipText(f.args, 80)}`;
    case 'app.socketio-unexpected-binary':
      return `来自${side(f.side)}的一条二进制消息（${f.bytes} 字节），但没有等待附件的 BINARY_EVENT 或 BINARY_ACK`;
    case 'app.socketio-missing-attachment':
      return `${side(f.side)}的 ${f.packet}${f.event !== undefined ? ` ${JSON.stringify(clipText(f.event, 60))}` : ''} 声明了 ${f.announced} 个二进制附件，但后面只跟了 ${f.followed} 个`;
    case 'app.sockjs-bad-frame':
      return `${sockJsProblem(f)}：${JSON.stringify(f.text)}`;
    case 'app.graphql-bad-message':
      return graphQlProblem(f);
    case 'app.json-invalid':
      return `一条不是合法 JSON 的文本消息（${f.error}）：${JSON.stringify(f.text)}`;
    case 'app.jsonrpc-invalid':
      return jsonRpcProblem(f);
    case 'app.jsonrpc-unmatched-response':
      return `一个 id 为 ${clipText(f.id, 40)} 的 JSON-RPC 响应，但${side(f.peer)}没有哪个请求在等待它`;
    case 'app.jsonrpc-unanswered':
      return `${side(f.side)}的 JSON-RPC 请求 ${f.method}（id ${clipText(f.id, 40)}，第 ${f.packet} 个包）直到连接结束都没有得到响应`;
    case 'app.mqtt-text-frame':
      return `${side(f.side)}在 MQTT 连接上发送了文本消息（${f.bytes} 字节）；MQTT 包必须用二进制帧发送`;
    case 'app.mqtt-connack-refused':
      return `代理拒绝了连接：${f.reason}（${f.reasonCode}）`;
    case 'app.mqtt-bad-packet':
      return `来自${side(f.side)}的一个格式错误的 ${mqttTypeZh(f.type)}：${mqttProblem(f)}${f.fatal ? `；${side(f.side)}之后的包不再解码` : ''}`;
    case 'app.mqtt-incomplete':
      return `${side(f.side)}的最后一个 ${mqttTypeZh(f.type)}始终不完整（${f.need !== null ? `已收到 ${f.seen} 字节，共 ${f.need} 字节` : `只收到 ${f.seen} 字节`}）`;
    case 'app.stomp-bad-frame':
      return stompProblem(f);
    case 'app.stomp-content-length':
      if ('came' in f) return `STOMP ${f.command} 帧声明 content-length 为 ${f.length}，但它的正文只来了 ${f.came} 字节`;
      return `STOMP ${f.command} 帧声明 content-length 为 ${f.length}，但它的正文是 ${f.body} 字节${f.nul ? '' : '，后面也没有 NUL'}`;
    case 'app.stomp-no-null':
      return `STOMP ${f.command} 帧没有以 NUL 字节结尾`;
    case 'app.stomp-error':
      return `STOMP 服务器发送了 ERROR${f.message ? `：${clipText(f.message, 80)}` : ''}${f.body ? `（${clipText(f.body, 80)}）` : ''}`;
    case 'app.graphql-unknown-id':
      return `一个 id 为 ${JSON.stringify(f.id)} 的 ${f.protocol} "${f.type}"，但没有哪个操作用过这个 id`;
    case 'app.graphql-error': {
      const to = f.to === null ? '这条连接' : 'name' in f.to ? f.to.name : `操作 ${f.to.id}`;
      return spaced('服务器对', to, `返回了 "${f.type}"：${clipText(f.payload, 100)}`);
    }
    case 'ws.deflate-assumed': {
      const first = f.first;
      const shown =
        first === null
          ? '没有哪条压缩消息被完整抓到'
          : first.inflated !== null
            ? `第一条压缩消息（${first.index}）能顺利解压，${first.length} → ${first.inflated} 字节`
            : `第一条压缩消息（${first.index}）无法单独解压：它引用了抓包开始前发送的字节`;
      return `${side(f.side)}发送了设置 RSV1 的数据帧，而协商扩展的握手不在抓包里：假定使用 permessage-deflate（RFC 7692 的默认值，上下文接管），${shown}；窗口在抓包范围内的消息都会解压（如果知道实际协商的参数，可以用 --decode-as PORT:permessage-deflate;… 指定）`;
    }
  }
}
