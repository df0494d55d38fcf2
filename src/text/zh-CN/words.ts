// 各视图共用的简体中文词语：两端的名称、字节数、往返时间、关闭状态码的名称。
import type { Side } from '../../model.js';
import { CLOSE_CODE_NAMES, closeCodeKind } from '../../websocket/close.js';

export function sideZh(s: Side): string {
  return s === 'client' ? '客户端' : '服务器';
}

/** 操作码的中文名称：文本帧、二进制帧、Ping 帧……（保留的操作码写出它的值）。 */
export function opcodeNameZh(opcode: number): string {
  const names: Readonly<Record<number, string>> = { 0x0: '延续帧', 0x1: '文本帧', 0x2: '二进制帧', 0x8: '关闭帧', 0x9: 'Ping 帧', 0xa: 'Pong 帧' };
  return names[opcode] ?? `操作码为 0x${opcode.toString(16)} 的帧`;
}

/** "5 字节"（中文没有复数）。 */
export function bytesZh(n: number): string {
  return `${n} 字节`;
}

/** 往返时间，用最易读的单位：微秒、毫秒或秒。 */
export function rttZh(seconds: number): string {
  if (seconds < 0.001) return `${(seconds * 1e6).toFixed(0)} 微秒`;
  if (seconds < 1) return `${(seconds * 1e3).toFixed(3)} 毫秒`;
  return `${seconds.toFixed(3)} 秒`;
}

/** RFC 6455 §7.4 和 IANA 登记的关闭状态码的中文名称。 */
const NAMES: Readonly<Record<number, string>> = {
  1000: '正常关闭',
  1001: '端点离开',
  1002: '协议错误',
  1003: '不支持的数据',
  1004: '保留',
  1005: '未收到状态码',
  1006: '异常关闭',
  1007: '有效载荷数据无效',
  1008: '违反策略',
  1009: '消息过大',
  1010: '缺少必需的扩展',
  1011: '服务器内部错误',
  1012: '服务重启',
  1013: '稍后再试',
  1014: '网关错误',
  1015: 'TLS 握手失败',
};

export function closeCodeNameZh(code: number): string {
  const kind = closeCodeKind(code);
  return kind === 'named' ? (NAMES[code] ?? CLOSE_CODE_NAMES[code]!) : kind === 'registered' ? '已登记（供库和框架使用）' : kind === 'private' ? '私有用途' : '无效';
}
