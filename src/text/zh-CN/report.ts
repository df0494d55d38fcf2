// 各终端视图共用的几行，简体中文（text/report-words.ts）。
import type { Counted, Ending, ReportWords } from '../report-words.js';
import { diagnosticTextZh } from './diagnostics.js';
import { rttZh, sideZh } from './words.js';
import { wrapWide } from '../../util/text.js';
import { linkTypeName } from '../../link/link.js';

/** 链路类型的中文名称（没有通行译名的照原样）。 */
function linkTypeNameZh(type: number): string {
  const names: Readonly<Record<number, string>> = { 0: 'BSD 环回', 1: '以太网', 12: '原始 IP', 14: '原始 IP', 101: '原始 IP', 108: 'OpenBSD 环回', 228: '原始 IPv4', 229: '原始 IPv6' };
  return names[type] ?? (linkTypeName(type).startsWith('link type ') ? `链路类型 ${type}` : linkTypeName(type));
}

export const REPORT_ZH_CN: ReportWords = {
  wrap: wrapWide,
  connectionTitle: (id, client, server) => `连接 ${id}：${client}（客户端）⇄ ${server}（服务器）`,
  captureLine: (format, links, packets, bytes, seconds) => `抓包文件：${format}，${links ?? '无链路类型'}，${packets} 个包，${bytes} 字节${seconds !== null ? `，${seconds.toFixed(6)} 秒` : ''}`,
  summaryCounts: (s) => `汇总：${s.connections} 条 TCP 连接（${s.websocketConnections} 条 WebSocket${s.refusedUpgrades > 0 ? `，${s.refusedUpgrades} 次升级被拒绝` : ''}），${s.frames} 个帧，${s.messages} 条消息；`,
  verdicts: (d) => `${d.error} 条错误，${d.warning} 条警告，${d.info} 条提示`,
  join: '',
  captureDiagnostics: '抓包层面的诊断',
  // “抓包文件：”占 10 列，“汇总：”占 6 列
  hang: { capture: ' '.repeat(10), summary: ' '.repeat(6), interrupted: ' '.repeat(10) },
  interrupted: (packets) => `已中断：${packets === 0 ? '读到第一个包之前就停止了' : `抓包只读到第 ${packets} 个包`}；那时仍未结束的连接按当时的样子报告（被截断）。`,
  linkTypes: (types) => types.map(linkTypeNameZh).join('、'),
  ending: (e, long, stream = false) => (stream ? (STREAM_ENDING_WORDS[e] ?? ENDING_WORDS[e]) : ENDING_WORDS[e])[long ? 1 : 0],
  carriesWebSockets: (names) => `它通过 HTTP/2 承载了 ${names.length} 个 WebSocket，分别报告为连接 ${names.join('、')}`,
  carriesShort: (n) => `承载 ${n} 个 WebSocket`,
  refused: (status, reason, long) => (long ? `升级被拒绝（${status}${reason ? ` ${reason}` : ''}）` : `拒绝 ${status ?? ''}`.trimEnd()),
  noData: '没有数据',
  protocolDetail: (label, detail) => `${label}（${detail}）`,
  tls: { join: '，', alpnOffered: (p) => `客户端提供的 ALPN：${p.join(', ')}`, hellosCut: 'Hello 消息没有完整抓到', joinedLate: '抓包在它的握手之后才开始' },
  unknownData: '未知协议的数据',
  // “不是 WebSocket”在每个视图里都先说结论、再用冒号接它承载的内容（结论可能带着颜色）
  summaryHead: (id, client, server, what, verdict) =>
    `连接 ${id}  ${client} → ${server}  ${verdict.replace(/\x1b\[[0-9;]*m/g, '') === ENDING_WORDS['not-websocket'][1] ? `${verdict}：${what}` : `${what}：${verdict}`}`,
  summaryWebSocket: (detection, tls) =>
    `${tls ? '基于 TLS 的 ' : ''}${detection === 'heuristic' ? 'WebSocket（启发式识别）' : detection === 'response' ? 'WebSocket（通过 101 响应识别）' : detection === 'decode-as' ? 'WebSocket（按 --decode-as 解码）' : 'WebSocket'}${tls ? `（${tls}）` : ''}`,
  summaryNotWebSocket: (head, packets) => `${head}；${packets} 个包`,
  summarySide: (side, s, frames, compressed, rtt) =>
    `${sideZh(side)} ${frames} 个帧，${s.messages} 条消息（${compressed ? '线上 ' : ''}${s.messageBytes} 字节${s.fragmentedMessages > 0 ? `，其中 ${s.fragmentedMessages} 条分片传输` : ''}）${rtt !== null ? `，${s.rtts} 个 Pong，往返 ${rtt}` : ''}`,
  summaryLine: (packets, client, server, ratio, subprotocol, diagnostics) => `${packets} 个包；${client}；${server}${ratio !== null ? `；压缩比 ${ratio}×` : ''}${subprotocol !== null ? `；子协议 ${subprotocol}` : ''}；${diagnostics}`,
  severityCounts: (d) => [`${d.error} 条错误`, `${d.warning} 条警告`, `${d.info} 条提示`],
  rtt: rttZh,
  summaryEnd: (format, links, packets, bytes, s, d) =>
    `${format}，${links}，${packets} 个包，${bytes} 字节：${s.connections} 条连接（${s.websocketConnections} 条 WebSocket${s.refusedUpgrades > 0 ? `，${s.refusedUpgrades} 次升级被拒绝` : ''}），${s.frames} 个帧，${s.messages} 条消息；${d.error} 条错误，${d.warning} 条警告，${d.info} 条提示`,
  severity: (s) => (s === 'error' ? '错误' : s === 'warning' ? '警告' : '提示'),
  summaryCaptureDiagnostic: (severity, code, message) => `抓包：${severity} ${code}：${message}`,
  diagnosticMessage: (d) => (d.facts ? diagnosticTextZh(d.facts) : d.message),
  countsJoin: '，',
  omitted: (code, n) => `……另有 ${n} 条 ${code}（--json 或 --ndjson 会全部列出）`,
  selection: {
    shownOf: (n, total) => `${n}/${total}`,
    // “10 个帧中的 2 个”
    counted: (what, n, total) => `${total} ${COUNTED[what][0]}${COUNTED[what][1]}中的 ${n} ${COUNTED[what][0]}`,
    selectedBy: (selected, counts) => `按 ${selected} 选出：${counts.join('，')}`,
    noMatch: (what, selected, counts) => `没有${what.map((w) => COUNTED[w][1]).join('或')}符合 ${selected}（${counts.join('，')}）`,
  },
};

/** 中文的量词和名词：个帧、条消息、个包 */
const COUNTED: Record<Counted, readonly [classifier: string, noun: string]> = { frames: ['个', '帧'], messages: ['条', '消息'], packets: ['个', '包'] };

/** HTTP/2 流承载的 WebSocket 的结束方式里提到传输层的那几种（其余的说法相同）。 */
const STREAM_ENDING_WORDS: Partial<Record<Ending, readonly [short: string, long: string]>> = {
  'clean-close': ['干净关闭', '关闭握手完整，随后流结束'],
  'closed-tcp-open': ['已关闭，流未结束', '双方都发了关闭帧；抓包结束时 HTTP/2 流仍然开着'],
  'unclean-close': ['关闭不干净', '双方都发了关闭帧，但不都在流的 END_STREAM 之前'],
  'reset-no-close': ['流被重置，无关闭帧', '流被重置（RST_STREAM），没有关闭帧'],
};

const ENDING_WORDS: Record<Ending, readonly [short: string, long: string]> = {
  'not-websocket': ['不是 WebSocket', '不是 WebSocket'],
  'no-response': ['无响应', '升级请求没有得到响应'],
  'clean-close': ['干净关闭', '关闭握手完整，随后 TCP 挥手'],
  'close-unanswered': ['关闭未回复', '关闭握手不完整：关闭帧没有得到回复'],
  'closed-tcp-open': ['已关闭，TCP 未关', '双方都发了关闭帧；抓包结束时 TCP 仍然开着'],
  'unclean-close': ['关闭不干净', '双方都发了关闭帧，但不都在 TCP 挥手之前'],
  'reset-no-close': ['被重置，无关闭帧', '被重置（RST），没有关闭帧'],
  'still-open': ['仍然开着', '抓包结束时仍然开着'],
  'no-close': ['无关闭帧', '未经关闭握手即断开'],
};
