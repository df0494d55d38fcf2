// --messages 的简体中文（接口见 text/transcript-words.ts）。
import type { TranscriptWords } from '../transcript-words.js';
import { closeCodeNameZh, rttZh } from './words.js';

/** 类型一栏的操作码名称（保留的操作码写出它的值）。 */
function opcode(op: number): string {
  const names: Readonly<Record<number, string>> = { 0x0: '延续', 0x1: '文本', 0x2: '二进制', 0x8: '关闭', 0x9: 'Ping', 0xa: 'Pong' };
  return names[op] ?? `保留 0x${op.toString(16)}`;
}

export const TRANSCRIPT_ZH_CN: TranscriptWords = {
  // 和英文的 "C → S" 一样占 5 列
  direction: (from) => (from === 'client' ? '客→服' : '客←服'),
  messageType: (type) => (type === 'text' ? '文本' : '二进制'),
  opcode,
  bytes: (n) => `${n} 字节`,
  colon: '：',
  empty: '（空）',
  inflatedFrom: (wire) => `（由 ${wire} 字节解压而来）`,
  notInflated: '（已压缩，未能解压）',
  fragments: (n) => `（${n} 个分片）`,
  incomplete: (missing) => (missing > 0 ? `（不完整：${missing} 字节没有抓到）` : '（不完整）'),
  roundTrip: (s) => `（往返 ${rttZh(s)}）`,
  noMessage: '（不属于任何消息）',
  firstOf: (kept, total) => `（${total} 字节中前 ${kept} 字节）`,
  notesGap: '',
  notesJoin: '',
  json: (object, n) => `${object ? 'JSON 对象' : 'JSON 数组'}，${n} 字节`,
  moreNotShown: (n) => `……还有 ${n} 字节没有显示`,
  closeCode: (code) => `${code} ${closeCodeNameZh(code)}`,
  closeNoCode: (one) => (one ? '（关闭帧的有效载荷只有 1 字节，读不出状态码）' : '（没有状态码）'),
  app: (text, user) => `↳ ${text}（${user ? '应用数据' : '框架消息'}）`,
  nothing: (websocket, refused) => (refused !== null ? `没有 WebSocket 消息或帧：${refused}。` : websocket ? '没有 WebSocket 消息或帧。' : '不是 WebSocket：这条连接没有 WebSocket 消息或帧。'),
};
