// 应用层协议的一条消息，用一行简体中文说明（接口见 text/app-words.ts）。协议自己的
// 记法照原样保留：STOMP 命令和头部名、MQTT 报文类型和 QoS、Socket.IO 的包名、SockJS
// 的 o/h/a/m/c、JSON 文本、JSON-RPC 的消息类型和 id、GraphQL 的 id。数字和单位之间留一个空格。
// 每行前面有协议名（“MQTT 报文片段……”），所以这里不再重复协议名。
import type { AppWords } from '../app-words.js';

export const APP_ZH_CN: AppWords = {
  unitJoin: '; ',
  more: (n) => `（另有 ${n} 个）`,

  jsonItems: (n) => `${n} 项`,

  rpcBatch: (items) => `批量调用，共 ${items} 项：`,
  // request、notification、response、error 是 JSON-RPC 2.0 规范给消息起的名字，和 --stats、概要里的类型名一致
  rpcKind: (kind) => kind,
  rpcAnswers: (method, packet) => `，对应第 ${packet} 个包里的 ${method}`,

  gqlUnnamed: '（匿名）',
  gqlOperation: '操作',
  gqlAnonymous: (operation) => `匿名 ${operation}`,

  sockJsMessages: (n) => `${n} 条消息`,
  sockJsOpen: (url) => `（打开${url ? `：服务器 ${url.server}，会话 ${url.session}` : ''}）`,
  sockJsHeartbeat: '（心跳）',
  sockJsClose: '（关闭）',
  listColon: '：',

  stompNoDestination: '（没有 destination）',
  stompReceipt: (id) => `（要求回执 ${id}）`,
  stompBody: (bytes) => `（消息体 ${bytes} 字节）`,
  stompPartial: (bytes) => `帧片段（目前 ${bytes} 字节）`,
  stompUnfinished: (bytes) => `；（下一帧的开头，${bytes} 字节）`,
  stompEols: (n) => `（${n} 个换行）`,

  mqttClient: (id) => `客户端 ${id}`,
  mqttConnect: (name, level, keepAlive, clean, user) => `（${name} 级别 ${level}，保活 ${keepAlive} 秒${clean ? '，清除会话' : ''}${user !== undefined ? `，用户 ${user}` : ''}）`,
  mqttSessionPresent: '（会话已存在）',
  mqttBinary: (bytes) => `（二进制数据 ${bytes} 字节）`,
  mqttCodes: (codes) => `返回码 ${codes}`,
  mqttTooLarge: (toCome) => `报文片段：报文太大，不再跟踪（后面还有 ${toCome} 字节）`,
  mqttPartOf: (have, need) => `报文片段（共 ${need} 字节，目前收到 ${have} 字节）`,
  mqttPartSoFar: (have) => `报文片段（目前 ${have} 字节）`,
  mqttNext: (bytes) => `；（下一个报文的 ${bytes} 字节）`,

  eioOpen: (sid, pingInterval) => `open（sid ${sid}${pingInterval !== undefined ? `，每 ${pingInterval} ms ping 一次` : ''}）`,
  eioProbe: (type) => `${type} probe（升级之前先试探这条 WebSocket）`,
  eioUpgrade: 'upgrade（传输方式从轮询切换到这条 WebSocket）',
  eioBinary: (bytes, base64) => `message（二进制数据 ${bytes} 字节${base64 ? '，以 base64 文本发送' : ''}）`,

  sioAttachments: (n) => ` + ${n} 个二进制附件`,
  sioAttachment: (k, of, what, bytes) => `${what} 的第 ${k} 个附件，共 ${of} 个（${bytes} 字节）`,
  sioEvent: (name) => `event ${name}`,
};
