// `wsdissect check` 文字报告的简体中文（接口见 text/check-words.ts）。退出状态、JSON 和
// JUnit 报告是给程序读的，仍然是英文。
import type { CheckWords, RunFacts } from '../check-words.js';
import type { Severity } from '../../model.js';
import { sideZh } from './words.js';

const counts = (n: Record<Severity, number>): string => `${n.error} 条错误，${n.warning} 条警告，${n.info} 条提示`;

const failingWords = (failOn: string): string => `有诊断达到或超过 --fail-on ${failOn}`;
const emptyWords = '没有 WebSocket 连接';

function run(r: RunFacts): string {
  const where = (list: string[]): string => (r.captures === 1 ? '' : `（${list.join('、')}）`);
  if (r.verdict === 'pass') return `通过：没有达到或超过 --fail-on ${r.failOn} 的诊断（${r.captures} 个抓包文件，${r.websocket} 条 WebSocket 连接）`;
  const parts: string[] = [];
  if (r.failing.length > 0) parts.push(`${failingWords(r.failOn)}${where(r.failing)}`);
  if (r.empty.length > 0) parts.push(`${emptyWords}${where(r.empty)}；加上 --allow-empty 可以让没有 WebSocket 连接的抓包通过`);
  if (r.unreadable.length > 0) return `错误：${r.unreadable.length === 1 && r.captures === 1 ? '抓包文件' : `${r.unreadable.length} 个抓包文件（${r.unreadable.join('、')}）`}无法读取${parts.length > 0 ? `；${parts.join('；')}` : ''}`;
  return `失败：${parts.join('；')}`;
}

const SEVERITY: Record<Severity, [name: string, unit: string]> = { error: ['错误', '个'], warning: ['警告', '个'], info: ['提示', '条'] };

export const CHECK_ZH_CN: CheckWords = {
  stdin: '（标准输入）',
  verdict: (v) => (v === 'pass' ? '通过' : '失败'),
  connection: (verdict, id, client, server, label, c) => `  ${verdict}  连接 ${id}  ${client} → ${server}  ${label}；${c}`,
  notWebSocket: (carries) => `不是 WebSocket：${carries}`,
  noAnswer: '升级请求没有得到响应',
  frames: (n) => `${n} 个帧`,
  counts,
  group: (severity, n) => `    ${SEVERITY[severity][0]}（${n} ${SEVERITY[severity][1]}）`,
  diagnostic: (code, where, message, rfc) => `      ${code}${where ? `（${where}）` : ''}：${message}${rfc ? `——见 ${rfc}` : ''}`,
  where: (packet, frame, from) =>
    [packet !== null ? `第 ${packet} 个包` : null, frame !== null ? `帧 ${frame}` : null, from === 'client' || from === 'server' ? sideZh(from) : from].filter((x) => x !== null).join('，'),
  capture: '  抓包层面的诊断',
  captureCounts: (packets, connections, websocket, refused, d) => `  ${packets} 个包，${connections} 条连接（${websocket} 条 WebSocket${refused > 0 ? `，${refused} 次升级被拒绝` : ''}）：${counts(d)}`,
  captureVerdict: (failing, empty, failOn) => {
    const reasons = [...(failing ? [failingWords(failOn)] : []), ...(empty ? [emptyWords] : [])];
    return `  ${reasons.length === 0 ? '通过' : `失败：${reasons.join('；')}`}`;
  },
  unreadable: (reason) => `  错误：无法读取：${reason}`,
  run,
};
