// --hex 的简体中文（接口见 text/hex-words.ts）。字段名 FIN、RSV、MASK 和操作码的值照
// RFC 6455 §5.2 的写法保留，和讲解模式的帧头图一致。
import type { HexWords } from '../hex-words.js';
import { closeCodeNameZh, opcodeNameZh, rttZh } from './words.js';
import { wrapWide } from '../../util/text.js';

/** RFC 6455 保留未用的操作码（0x3–0x7、0xb–0xf）。 */
const RESERVED = (op: number): boolean => !(op <= 0x2 || (op >= 0x8 && op <= 0xa));

export const HEX_ZH_CN: HexWords = {
  wrap: wrapWide,
  frame: (i) => `帧 ${i}`,
  packets: (first, last, segments) => (segments <= 1 ? `第 ${last} 个包` : `第 ${first}–${last} 个包（${segments} 个报文段）`),
  direction: (from) => (from === 'client' ? '客户端 → 服务器' : '服务器 → 客户端'),
  opcode: opcodeNameZh,
  length: (n, bits) => `${n} 字节${bits === null ? '' : `（${bits} 位长度）`}`,
  key: '掩码键',
  notMasked: '未加掩码',
  incomplete: '不完整',
  header: '帧头',
  firstByte: (fin, rsv, opcode) => `FIN ${fin ? 1 : 0}，RSV ${rsv}，操作码 0x${opcode.toString(16)}${RESERVED(opcode) ? '（保留未用）' : ` ${opcodeNameZh(opcode)}`}`,
  secondByte: (masked, code) => `MASK ${masked ? 1 : 0}，长度 ${code}${code === 126 ? '：后面跟着 16 位的扩展长度' : code === 127 ? '：后面跟着 64 位的扩展长度' : ''}`,
  extendedLength: (n) => `扩展长度 ${n}`,
  maskingKey: '掩码键',
  noteGap: '',
  note: '注：',
  neverCaptured: (n) => `有效载荷中有 ${n} 字节没有抓到（丢失的字节显示为去掩码后的 00）`,
  holds: (held, len) => `有效载荷共 ${len} 字节，抓包里只有 ${held} 字节`,
  partsJoin: '；',
  incompleteNote: (parts) => `不完整：${parts ?? '这一帧的字节没有全部抓到'}`,
  keptOnly: (held, len) => `有效载荷共 ${len} 字节，分析只保留了前 ${held} 字节`,
  fragment: (part, of, type, message) => `${type === 'text' ? '文本' : '二进制'}消息 ${message} 的第 ${part} 个分片（共 ${of} 个）`,
  compressed: (fragment, message, inflated) =>
    `已压缩（permessage-deflate）：有效载荷是 deflate 数据，照线路上的样子显示；${fragment ? `这是${fragment}，整条消息` : `消息 ${message} `}${inflated !== null ? `解压后为 ${inflated} 字节` : '无法解压'}`,
  closeNoCode: (one) => (one ? '关闭帧的有效载荷只有 1 字节，读不出状态码' : '关闭帧没有状态码'),
  closeCode: (code, reason) => `关闭状态码 ${code}（${closeCodeNameZh(code)}）${reason !== null ? `，原因 ${reason}` : ''}`,
  answers: (frame, packet, rtt) => `回应第 ${packet} 个包（帧 ${frame}）里的 Ping；往返 ${rttZh(rtt)}`,
  payload: '有效载荷',
  none: '无',
  notShown: (n) => `${n} 字节，未显示`,
  columns: { wire: '线路上（已加掩码）', wireShort: '线路上', unmasked: '去掩码后', unmaskedDeflate: '去掩码后（deflate）', bytes: '字节', bytesDeflate: '字节（deflate）', ascii: 'ASCII' },
  moreNotShown: (n) => `……有效载荷还有 ${n} 字节没有显示`,
  nothing: (websocket, refused) => (refused !== null ? `没有 WebSocket 帧：${refused}。` : websocket ? '没有 WebSocket 帧。' : '不是 WebSocket：这条连接没有 WebSocket 帧。'),
  noFrame: (i) => `没有可以转储的帧 ${i}。`,
};
