// --stats 的简体中文（接口见 text/stats-words.ts）。
import type { PingFacts, StatsWords } from '../stats-words.js';
import type { AppChosenBy } from '../../app/types.js';
import { rttZh } from './words.js';
import { wrapWide } from '../../util/text.js';

const DASH = '—';

const seconds = (s: number | null): string => (s === null ? DASH : `${s.toFixed(6)} 秒`);

function pings(g: PingFacts): string {
  if (g.sent === 0 && g.answered === 0) return '没有 Ping';
  const answered = `${g.sent} 个 Ping 中 ${g.answered} 个得到回应`;
  if (g.min === null || g.avg === null || g.max === null) return answered;
  if (g.answered === 1) return `${rttZh(g.min)}（${answered}）`;
  return `最短 ${rttZh(g.min)}，平均 ${rttZh(g.avg)}，最长 ${rttZh(g.max)}（${answered}）`;
}

/** 应用层协议是怎么识别出来的。 */
const CHOSEN_BY_ZH: Record<AppChosenBy, string> = { subprotocol: '由子协议识别', url: '由 URL 识别', content: '由消息内容识别', forced: '按 --app 的要求' };

export const STATS_ZH_CN: StatsWords = {
  wrap: wrapWide,
  cellWrap: wrapWide,
  title: (id, client, server) => `连接 ${id} 的统计：${client}（客户端）⇄ ${server}（服务器）`,
  notWebSocket: (carries, packets, s) => `不是 WebSocket：${carries}；${packets} 个包，历时 ${seconds(s)}。`,
  ofSelected: (selected) => `只统计选中的部分：${selected}`,
  noFrame: '没有 WebSocket 帧。',
  keys: { duration: '时长', tcpHandshake: 'TCP 握手', wsHandshake: 'WebSocket 握手', pings: 'Ping 往返', compression: '压缩', app: '应用层协议', tcp: 'TCP 分析', diagnostics: '诊断' },
  duration: (s, packets) => `${seconds(s)}（${packets} 个包）`,
  carried: (connection, stream) => `HTTP/2 流 ${stream}；它的 TCP 见连接 ${connection}`,
  streamKey: '承载于',
  tcpHandshake: (rtt) => (rtt === null ? '没有抓到' : `${rttZh(rtt)}（SYN → SYN-ACK）`),
  wsHandshake: (rtt, status, missing) => (rtt !== null ? `${rttZh(rtt)}（请求 → ${status ?? '?'}）` : missing === 'no-handshake' ? '没有握手' : missing === 'no-response' ? '没有响应' : DASH),
  pings,
  compression: (client, server, negotiated) => {
    if (client === null && server === null) return negotiated ? '已协商，但没有解压任何消息' : '无';
    const ratio = (r: number | null): string => (r === null ? DASH : `${r.toFixed(1)}×`);
    return `客户端 ${ratio(client)}，服务器 ${ratio(server)}（解压后 / 线上）`;
  },
  app: (name, chosenBy) => (name === null || chosenBy === null ? '未识别' : `${name}（${CHOSEN_BY_ZH[chosenBy]}）`),
  tcp: (r, o, l) => `${r} 次重传，${o} 个乱序报文段，丢失 ${l} 字节`,
  diagnostics: (d) => `${d.error} 条错误，${d.warning} 条警告，${d.info} 条提示`,
  traffic: {
    client: '客户端',
    server: '服务器',
    frames: '帧',
    count: '个数',
    bytes: '字节',
    opcode: (op) => ({ text: '文本', binary: '二进制', continuation: '延续', close: '关闭', ping: 'Ping', pong: 'Pong', reserved: '保留' })[op],
    allFrames: '全部帧',
    messages: '消息',
    inflated: '解压后',
    largest: '最大的消息',
    fragmented: '分片的消息',
    mostFragments: '最多的分片数',
  },
  appHead: ['应用层消息', '客户端', '服务器'],
  connections: {
    title: (n) => `全部连接（${n} 条）`,
    head: ['#', '客户端', '服务器', '识别方式', '包', '帧', '消息', '时长', '错/警/提', '结论'],
    shortHead: ['#', '客户端', '服务器', '识别', '包', '帧', '消息', '时长', '错/警/提', '结论'],
    detection: (d) => (d === 'handshake' ? '握手' : d === 'heuristic' ? '启发式识别' : d === 'response' ? '101 响应' : '--decode-as'),
    seconds: (s) => `${s.toFixed(3)} 秒`,
    legend: '错/警/提：诊断（错误/警告/提示）的个数；时长：从第一个包到最后一个包',
  },
};
