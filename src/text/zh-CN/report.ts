// 各终端视图共用的几行，简体中文（text/report-words.ts）。
import type { ReportWords } from '../report-words.js';

export const REPORT_ZH_CN: ReportWords = {
  connectionTitle: (id, client, server) => `连接 ${id}：${client}（客户端）⇄ ${server}（服务器）`,
  captureLine: (format, links, packets, bytes, seconds) => `抓包：${format}，${links ?? '无链路类型'}，${packets} 个包，${bytes} 字节${seconds !== null ? `，${seconds.toFixed(6)} 秒` : ''}`,
  summaryCounts: (s) => `汇总：${s.connections} 条 TCP 连接（${s.websocketConnections} 条 WebSocket${s.refusedUpgrades > 0 ? `，${s.refusedUpgrades} 次升级被拒绝` : ''}），${s.frames} 个帧，${s.messages} 条消息；`,
  verdicts: (d) => `${d.error} 个错误，${d.warning} 个警告，${d.info} 条提示`,
  join: '',
  captureDiagnostics: '抓包层面的诊断',
};
